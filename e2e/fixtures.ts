// What every e2e test builds on: the package's own Playwright fixtures (hivemesh/testing, in
// src/testing/), plus what only this project's suite needs: the transport under test (one
// Playwright project each), colony names that say which, and the loopback and LAN origins.
import { test as hiveTest } from '../src/testing/index.ts';
import { lanURL as envLanURL, loopbackURL as envLoopbackURL } from './env.ts';

export {
  HIVE_WAIT_TIMEOUT_MS,
  beeId,
  crashBee,
  expect,
  freezeBee,
  inbox,
  reloadBee,
  snapshot,
  snapshots,
  unsettled,
  waitForHive,
  waitForSettled,
  type Hive,
  type HiveWindow,
  type InboxEntry,
  type OpenBeeOptions,
  type Role,
  type Snapshot,
} from '../src/testing/index.ts';

export type TransportName = 'simple-peer' | 'peerjs';

export interface HiveOptions {
  transport: TransportName;
}

interface ProjectFixtures {
  loopbackURL: string;
  /** The non-loopback origin (10.99.0.1 in the namespace); not a secure context. */
  lanURL: string;
}

export const test = hiveTest.extend<HiveOptions & ProjectFixtures>({
  transport: ['simple-peer', { option: true }],

  beeParams: async ({ transport }, use) => {
    await use({ transport });
  },

  colony: async ({ transport }, use, testInfo) => {
    // testId ends in a hash of file, title and project; the time keeps reruns on one server apart.
    await use(`e2e-${transport === 'peerjs' ? 'pj' : 'sp'}-${testInfo.testId.slice(-12)}-${Date.now().toString(36)}`);
  },

  loopbackURL: async ({}, use) => {
    await use(envLoopbackURL);
  },

  lanURL: async ({}, use) => {
    if (envLanURL === undefined) throw new Error('no non-loopback IPv4 address on this machine to open the app from');
    await use(envLanURL);
  },
});
