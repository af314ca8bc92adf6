// What the standalone benchmark scripts (bench/handshake.ts, bench/security.ts) share: the app
// built and served on a free port, one headless Chromium opening it from the LAN origin that
// scripts/in-netns.sh sets (an insecure context, as in a classroom) or loopback, and an exit code.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';
import { buildApp, distIsStale } from '../signaling/build.ts';
import { startServer } from '../signaling/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServedApp {
  browser: Browser;
  /** The app's origin as the tabs open it. */
  origin: string;
  host: string;
}

/** Builds the app if stale, serves it and opens Chromium for `use`; closes both after. */
export async function withServedApp<T>(use: (app: ServedApp) => Promise<T>): Promise<T> {
  if (distIsStale(ROOT)) await buildApp(ROOT);
  const server = await startServer({ port: 0, distDir: path.join(ROOT, 'dist') });
  const host = process.env.HIVE_LAN_HOST || '127.0.0.1';
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([host]), headless: true });
  try {
    return await use({ browser, origin: `http://${host}:${server.port}`, host });
  } finally {
    await browser.close();
    await server.close();
  }
}

/** Runs a script's main and exits with its outcome, whatever handles a closed page left behind. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
