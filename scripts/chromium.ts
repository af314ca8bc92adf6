// How the tests launch Chromium (shared/TESTING.md): Debian's binary, nothing sent off the
// machine, host ICE candidates as plain IP addresses, or (hideLocalIps) as every student's Chrome
// offers them: mDNS names.
import { accessSync, constants, existsSync } from 'node:fs';

/** The real binary; /usr/bin/chromium is Debian's wrapper script that adds flags and warnings. */
const CHROMIUM_CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

/**
 * Playwright 1.65.1's own `--disable-features` list (playwright-core
 * src/server/chromium/chromiumSwitches.ts; not exported). Chromium honours only the last
 * `--disable-features`, so ours must restate it or silently drop it. chromium.test.ts fails
 * when the installed Playwright's list drifts from this one.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
] as const;

/** Without this, host candidates become `*.local` names that need multicast DNS to resolve. */
const OUR_DISABLED_FEATURES = ['WebRtcHideLocalIpsWithMdns'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium the tests launch: CHROMIUM_PATH when set, else Debian's. Throws what to do when there is none. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file`);
    return env.CHROMIUM_PATH;
  }
  const found = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error(`Chromium not found at ${CHROMIUM_CANDIDATES.join(' or ')}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  return found;
}

/**
 * Switches on top of Playwright's (which already disable background networking, component
 * updates, sync and throttling). `reachableHosts` are the hosts pages may load from: the host
 * resolver rules map every other name, IP literals included, to NOTFOUND.
 */
export function chromiumArgs(reachableHosts: readonly string[], { hideLocalIps = false } = {}): string[] {
  const exclusions = ['127.0.0.1', 'localhost', ...reachableHosts].map((host) => `EXCLUDE ${host}`);
  return [
    `--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...(hideLocalIps ? [] : OUR_DISABLED_FEATURES)].join(',')}`,
    `--host-resolver-rules=${['MAP * ~NOTFOUND', ...new Set(exclusions)].join(', ')}`,
    // Belt and braces against start-up traffic Playwright's switches leave on.
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--no-pings',
  ];
}
