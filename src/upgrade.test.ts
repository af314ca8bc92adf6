import { describe, expect, it } from 'vitest';
import { createIdentity } from './crypto/identity';
import { checkConfig, seedConfig } from './upgrade';

describe('colony configs', () => {
  const seeder = createIdentity();
  const config = { ...seedConfig(seeder, 'class', 4, '#1d4ed8', 'blue week') };

  it('accepts a config signed by the bee it names, for this colony and version only', () => {
    expect(checkConfig('class', 4, config)).toEqual(config);
    expect(checkConfig('class', 5, config)).toBeNull();
    expect(checkConfig('other', 4, config)).toBeNull();
  });

  it('refuses unsigned, altered or impersonated configs', () => {
    const { sig: _sig, ...unsigned } = config;
    expect(checkConfig('class', 4, unsigned)).toBeNull();
    expect(checkConfig('class', 4, { ...config, note: 'red week' })).toBeNull();
    const mallory = createIdentity();
    expect(checkConfig('class', 4, { ...seedConfig(mallory, 'class', 4, '#1d4ed8', 'blue week'), by: seeder.id })).toBeNull();
    expect(checkConfig('class', 4, { ...config, colour: 'javascript:alert(1)' })).toBeNull();
  });
});
