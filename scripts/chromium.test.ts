import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PLAYWRIGHT_DISABLED_FEATURES, chromiumArgs } from './chromium.ts';

/** Reads the list out of the installed playwright-core, which bundles it without exporting it. */
function installedPlaywrightDisabledFeatures(): string[] {
  const bundle = readFileSync(createRequire(import.meta.url).resolve('playwright-core/lib/coreBundle'), 'utf8');
  const block = /disabledFeatures = \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(bundle)?.[1];
  if (block === undefined) throw new Error('disabledFeatures not found in playwright-core: its bundle changed shape');
  const code = block.replace(/\/\/.*$/gm, '');
  return [...code.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? '');
}

describe('chromium switches', () => {
  it('restates the installed Playwright disabled-features list exactly', () => {
    expect([...PLAYWRIGHT_DISABLED_FEATURES]).toEqual(installedPlaywrightDisabledFeatures());
  });

  it('passes a single --disable-features that also turns off mDNS host-name hiding', () => {
    const flags = chromiumArgs([]).filter((arg) => arg.startsWith('--disable-features='));
    expect(flags).toHaveLength(1);
    expect(flags[0]?.split('=')[1]?.split(',')).toEqual([...PLAYWRIGHT_DISABLED_FEATURES, 'WebRtcHideLocalIpsWithMdns']);
  });

  it('keeps loopback and the LAN host reachable, since the resolver rules map IP literals too', () => {
    expect(chromiumArgs(['10.99.0.1', '127.0.0.1'])).toContain(
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE 10.99.0.1',
    );
  });
});
