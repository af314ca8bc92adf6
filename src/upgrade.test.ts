import { describe, expect, it } from 'vitest';
import { createIdentity } from './crypto/identity';
import { checkConfig, MAX_SETTINGS_BYTES, seedConfig } from './upgrade';

describe('colony configs', () => {
  const seeder = createIdentity();
  const config = { ...seedConfig(seeder, 'class', 4, { colour: '#1d4ed8' }, 'blue week') };

  it('accepts a config signed by the bee it names, for this colony and version only', () => {
    expect(checkConfig('class', 4, config)).toEqual(config);
    expect(checkConfig('class', 5, config)).toBeNull();
    expect(checkConfig('other', 4, config)).toBeNull();
  });

  it('refuses unsigned, altered or impersonated configs', () => {
    const { sig: _sig, ...unsigned } = config;
    expect(checkConfig('class', 4, unsigned)).toBeNull();
    expect(checkConfig('class', 4, { ...config, note: 'red week' })).toBeNull();
    expect(checkConfig('class', 4, { ...config, settings: { colour: '#be123c' } })).toBeNull();
    const mallory = createIdentity();
    expect(checkConfig('class', 4, { ...seedConfig(mallory, 'class', 4, { colour: '#1d4ed8' }, 'blue week'), by: seeder.id })).toBeNull();
  });

  it('keeps settings it does not know as signed, and refuses a bad colour or settings too big to carry', () => {
    const newer = seedConfig(seeder, 'class', 5, { colour: '#047857', capacity: 6, queens: 'on' }, 'a later release');
    expect(checkConfig('class', 5, JSON.parse(JSON.stringify(newer)))).toEqual(newer);
    const bad = (settings: Record<string, unknown>) => checkConfig('class', 6, { ...seedConfig(seeder, 'class', 6, settings as never, ''), settings });
    expect(bad({ colour: 'javascript:alert(1)' })).toBeNull();
    expect(bad({ colour: '#047857', knob: 'x'.repeat(MAX_SETTINGS_BYTES) })).toBeNull();
    expect(checkConfig('class', 4, { ...config, settings: null })).toBeNull();
  });
});
