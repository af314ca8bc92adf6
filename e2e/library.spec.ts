// The package as another team gets it: `npm pack`, the tarball unpacked into a scratch project
// as npm installs it, the chat example (examples/chat) built there with Vite, served by a Hivemesh
// server of the test's own, and two tabs of it exchanging a 1 MB binary body through the
// library's API (chunked, with progress events both ways). Runs once per transport.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { startServer, type HiveServer } from '../signaling/server.ts';
import { baseURL } from './env.ts';
import { beeId, expect, test, waitForSettled } from './fixtures.ts';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const MB = 1024 * 1024;
const BUILD_TIMEOUT_MS = 300_000;

function run(command: string, args: string[], cwd: string): void {
  const done = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS });
  if (done.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${done.status ?? done.signal}):\n${done.stdout}\n${done.stderr}`);
}

/**
 * Packs the package and builds the example against the tarball; returns the example's dist/.
 * The scratch project sits inside the repository, so the package's dependencies resolve from the
 * repository's node_modules: the e2e namespace has no registry to install them from.
 */
function buildExample(scratch: string): string {
  rmSync(scratch, { recursive: true, force: true });
  const installed = join(scratch, 'node_modules', 'hivemesh');
  mkdirSync(installed, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', scratch], ROOT);
  const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${scratch}`);
  run('tar', ['-xzf', join(scratch, tarball), '-C', installed, '--strip-components=1'], ROOT);
  for (const file of ['index.html', 'main.ts', 'package.json']) cpSync(join(ROOT, 'examples', 'chat', file), join(scratch, file));
  run(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], scratch);
  return join(scratch, 'dist');
}

/** A file whose every byte is known, so the receiver can check all of them. */
const pattern = (n: number) => Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256));

interface Progress {
  direction: 'out' | 'in';
  done: number;
  total: number;
}
type ExampleWindow = Window & { colony: { on(type: 'progress', listener: (progress: Progress) => void): () => void }; progressSeen: Progress[] };

function recordProgress(page: Page): Promise<void> {
  return page.evaluate(() => {
    const win = window as unknown as ExampleWindow;
    win.progressSeen = [];
    win.colony.on('progress', (progress) => win.progressSeen.push(progress));
  });
}

const progressSeen = (page: Page, direction: 'out' | 'in') =>
  page.evaluate((wanted) => (window as unknown as ExampleWindow).progressSeen.filter((p) => p.direction === wanted).map(({ done, total }) => ({ done, total })), direction);

/** The received file's length and how many of its bytes differ from the pattern. */
function receivedFile(page: Page, from: string): Promise<{ length: number; wrong: number }> {
  return page.evaluate(async (sender) => {
    const link = [...document.querySelectorAll<HTMLAnchorElement>('a.file')].find((a) => a.download === `from-${sender}.bin`);
    const bytes = new Uint8Array(await (await fetch(link?.href ?? 'about:blank')).arrayBuffer());
    return { length: bytes.length, wrong: bytes.filter((byte, i) => byte !== (i * 31 + 7) % 256).length };
  }, from);
}

function expectProgress(seen: Array<{ done: number; total: number }>, total: number): void {
  expect(seen.length).toBeGreaterThan(1);
  expect(seen.every((p) => p.total === total)).toBe(true);
  expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
  expect(seen.at(-1)?.done).toBe(total);
}

let server: HiveServer | undefined;
let origin = '';

test.beforeAll(async ({}, testInfo) => {
  test.setTimeout(BUILD_TIMEOUT_MS);
  const dist = buildExample(join(ROOT, '.scratch', `chat-${testInfo.project.name}`));
  // The example's own origin hosts signaling too, as `npm start` does for the app.
  server = await startServer({ port: 0, host: '0.0.0.0', distDir: dist });
  origin = `http://${new URL(baseURL).hostname}:${server.port}`;
});

test.afterAll(async () => {
  await server?.close();
});

test('two tabs of the packed example exchange a 1 MB binary body through the library, with progress both ways', async ({ openBees }, testInfo) => {
  const pages = await openBees(2, { origin });
  const [a, b] = pages as [Page, Page];
  await waitForSettled(pages);
  const [idA, idB] = await Promise.all([beeId(a), beeId(b)]);
  await Promise.all(pages.map(recordProgress));

  for (const [from, to, fromId] of [[a, b, idA], [b, a, idB]] as const) {
    const startedMs = Date.now();
    await from.setInputFiles('#file', { name: 'one-mb.bin', mimeType: 'application/octet-stream', buffer: pattern(MB) });
    await expect(to.locator('a.file', { hasText: `${MB} bytes from ${fromId}` })).toBeVisible({ timeout: 60_000 });
    testInfo.annotations.push({ type: 'timing', description: `1 MB ${fromId === idA ? 'a→b' : 'b→a'}: ${Date.now() - startedMs} ms` });
    expect(await receivedFile(to, fromId)).toEqual({ length: MB, wrong: 0 });
    await expect(from.getByText(`one-mb.bin delivered to ${fromId === idA ? idB : idA}`)).toBeVisible();
  }
  for (const page of pages) {
    expectProgress(await progressSeen(page, 'out'), MB);
    expectProgress(await progressSeen(page, 'in'), MB);
  }
});
