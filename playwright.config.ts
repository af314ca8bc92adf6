// Multi-tab tests against the real server and Debian's Chromium (shared/TESTING.md). Run them
// through `npm run test:e2e`, which puts them in a network namespace of their own.
import { defineConfig } from '@playwright/test';
import type { HiveOptions } from './e2e/fixtures.ts';
import { baseURL, lanHost, loopbackURL, port } from './e2e/env.ts';
import { chromiumArgs, chromiumPath } from './scripts/chromium.ts';

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
      args: chromiumArgs(lanHost === undefined ? [] : [lanHost]),
    },
  },
  projects: [
    { name: 'simple-peer', use: { transport: 'simple-peer' } },
    { name: 'peerjs', use: { transport: 'peerjs' } },
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
