import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PLAYWRIGHT_DISABLED_FEATURES, chromiumArgs, chromiumPath } from './chromium.ts';

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

  it("leaves mDNS host-name hiding on, Chromium's default, when asked to", () => {
    const flags = chromiumArgs([], { hideLocalIps: true }).filter((arg) => arg.startsWith('--disable-features='));
    expect(flags).toEqual([`--disable-features=${PLAYWRIGHT_DISABLED_FEATURES.join(',')}`]);
  });

  it('keeps loopback and the LAN host reachable, since the resolver rules map IP literals too', () => {
    expect(chromiumArgs(['10.99.0.1', '127.0.0.1'])).toContain(
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE 10.99.0.1',
    );
  });
});

describe('chromiumPath', () => {
  it('takes CHROMIUM_PATH when it names an executable', () => {
    expect(chromiumPath({ CHROMIUM_PATH: process.execPath })).toBe(process.execPath);
  });

  it('refuses a CHROMIUM_PATH that is missing or not executable, naming it', () => {
    expect(() => chromiumPath({ CHROMIUM_PATH: '/no/such/chromium' })).toThrow('CHROMIUM_PATH=/no/such/chromium is not an executable file');
    expect(() => chromiumPath({ CHROMIUM_PATH: fileURLToPath(import.meta.url) })).toThrow(/is not an executable file/);
  });
});
