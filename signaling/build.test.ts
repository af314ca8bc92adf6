import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { distIsStale, SERVER_ENTRY, serverIsStale } from './build';

let root = '';
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'hivemesh-build-'));
  await mkdir(path.join(root, 'src', 'hive'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html>');
  await writeFile(path.join(root, 'src', 'hive', 'step.ts'), 'export {};');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Give every listed file the same mtime, `s` seconds after the epoch. */
async function touch(s: number, ...files: string[]): Promise<void> {
  for (const file of files) await utimes(path.join(root, file), s, s);
}

async function writeDist(): Promise<void> {
  await mkdir(path.join(root, 'dist'), { recursive: true });
  await writeFile(path.join(root, 'dist', 'index.html'), '<!doctype html>');
}

describe('distIsStale', () => {
  it('is stale when dist/index.html is missing', () => {
    expect(distIsStale(root)).toBe(true);
  });

  it('is fresh when dist is newer than every input', async () => {
    await writeDist();
    await touch(1000, 'index.html', 'src', 'src/hive', 'src/hive/step.ts');
    await touch(2000, 'dist/index.html');
    expect(distIsStale(root)).toBe(false);
  });

  it.each(['src/hive/step.ts', 'index.html', 'vite.config.ts'])('is stale when %s is newer', async (input) => {
    await writeDist();
    await writeFile(path.join(root, 'vite.config.ts'), 'export default {};');
    await touch(1000, 'index.html', 'vite.config.ts', 'src', 'src/hive', 'src/hive/step.ts');
    await touch(2000, 'dist/index.html');
    await touch(3000, input);
    expect(distIsStale(root)).toBe(true);
  });

  it('is stale when a source file was deleted after the build', async () => {
    await writeDist();
    await touch(1000, 'index.html', 'src', 'src/hive', 'src/hive/step.ts');
    await touch(2000, 'dist/index.html');
    expect(distIsStale(root)).toBe(false);
    await rm(path.join(root, 'src', 'hive', 'step.ts'));
    await touch(3000, 'src/hive'); // what the deletion does to the directory's mtime
    expect(distIsStale(root)).toBe(true);
  });
});

describe('serverIsStale', () => {
  async function writeServerBuild(): Promise<void> {
    await mkdir(path.join(root, 'signaling'));
    await writeFile(path.join(root, 'signaling', 'main.ts'), 'export {};');
    await writeFile(path.join(root, 'package.json'), '{}');
    await mkdir(path.dirname(path.join(root, SERVER_ENTRY)));
    await writeFile(path.join(root, SERVER_ENTRY), '');
    await touch(1000, 'signaling', 'signaling/main.ts', 'package.json', 'src', 'src/hive', 'src/hive/step.ts');
    await touch(2000, SERVER_ENTRY);
  }

  it('is stale when the compiled server is missing', () => {
    expect(serverIsStale(root)).toBe(true);
  });

  it('is fresh when the compiled server is newer than its sources', async () => {
    await writeServerBuild();
    expect(serverIsStale(root)).toBe(false);
  });

  it.each(['signaling/main.ts', 'src/hive/step.ts', 'package.json'])('is stale when %s is newer', async (input) => {
    await writeServerBuild();
    await touch(3000, input);
    expect(serverIsStale(root)).toBe(true);
  });
});
