// Multi-tab tests against the real server and Debian's Chromium (shared/TESTING.md). Run them
// through `npm run test:e2e`, which puts them in a network namespace of their own.
import { defineConfig } from '@playwright/test';
import type { HiveOptions } from './e2e/fixtures.ts';
import { baseURL, lanHost, loopbackURL, port } from './e2e/env.ts';
import { chromiumArgs, chromiumPath } from './scripts/chromium.ts';

const reachableHosts = lanHost === undefined ? [] : [lanHost];
/** Specs about real networks run with Chromium's default mDNS hiding on, and only so. */
const NETWORK_SPECS = ['**/network.spec.ts'];
// Thirty tabs are a measurement, taken once on the default transport: a skip would count as a failure.
// /sim at scale opens no link at all, so a second transport would only run it twice.
const DEFAULT_TRANSPORT_ONLY = ['**/class.spec.ts', '**/sim.spec.ts'];
const hidingLaunch = { executablePath: chromiumPath(), args: chromiumArgs(reachableHosts, { hideLocalIps: true }) };

export default defineConfig<HiveOptions>({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Each test opens many tabs on a 2-core machine: one at a time, and no retries hiding flakes.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: '.playwright-results.json' }]],
  use: {
    baseURL,
    headless: true,
    launchOptions: {
      executablePath: chromiumPath(),
      args: chromiumArgs(reachableHosts),
    },
  },
  projects: [
    { name: 'simple-peer', use: { transport: 'simple-peer' }, testIgnore: NETWORK_SPECS },
    { name: 'peerjs', use: { transport: 'peerjs' }, testIgnore: [...NETWORK_SPECS, ...DEFAULT_TRANSPORT_ONLY] },
    // Chromium as students run it: local addresses hidden behind mDNS names, which the namespace
    // cannot resolve (no multicast): tabs link only through the server's STUN responder or TURN.
    { name: 'simple-peer-mdns', use: { transport: 'simple-peer', launchOptions: hidingLaunch }, testMatch: NETWORK_SPECS },
    { name: 'peerjs-mdns', use: { transport: 'peerjs', launchOptions: hidingLaunch }, testMatch: NETWORK_SPECS },
  ],
  webServer: {
    // The real server as `npm start` runs it (compiled, built first when stale), on all
    // interfaces so the LAN origin reaches it too.
    command: 'node scripts/prepare.mjs --need-build && exec node dist-server/main.js',
    url: `${loopbackURL}/health`,
    env: { PORT: String(port), HOST: '0.0.0.0' },
    reuseExistingServer: false,
    timeout: 180_000,
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 2_000 },
  },
});
