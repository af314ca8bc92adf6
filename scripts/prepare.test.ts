// npm's prepare and prestart where the build tools are not installed (`npm ci --omit=dev`): an
// install never fails, and a start without a build says what to do. (With the tools, .ci/run's
// `npm ci` and scripts/deploy-check.sh exercise it.)

import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('prepare.mjs', import.meta.url));

let root = '';
beforeEach(async () => {
  // A production install: the script, and no node_modules/.bin/tsx or vite.
  root = await mkdtemp(path.join(tmpdir(), 'hivemesh-prepare-'));
  await mkdir(path.join(root, 'scripts'));
  await copyFile(SCRIPT, path.join(root, 'scripts', 'prepare.mjs'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function prepare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'scripts', 'prepare.mjs'), ...args], { cwd: root }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

async function writeBuild(): Promise<void> {
  await mkdir(path.join(root, 'dist'));
  await mkdir(path.join(root, 'dist-server'));
  await writeFile(path.join(root, 'dist', 'index.html'), '<!doctype html>');
  await writeFile(path.join(root, 'dist-server', 'main.js'), '');
}

describe('prepare without the build tools', () => {
  it('lets the install succeed, saying nothing, when the build is there', async () => {
    await writeBuild();
    expect(await prepare()).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await prepare('--need-build')).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('lets the install succeed with a note when there is no build', async () => {
    const { code, stdout } = await prepare();
    expect(code).toBe(0);
    expect(stdout).toMatch(/not built.*npm install && npm run build/s);
  });

  it('stops `npm start` with what to do when there is no build', async () => {
    const { code, stderr } = await prepare('--need-build');
    expect(code).toBe(1);
    expect(stderr).toMatch(/not built.*npm install && npm run build/s);
  });
});
