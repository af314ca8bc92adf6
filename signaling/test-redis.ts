// Test helper: a redis-server of the test's own, on a free port, with nothing saved to disk (never
// a system service). Tests, the e2e suite and the benchmark start one, stop it and start it again
// on the same port to see what losing Redis does.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const READY = 'Ready to accept connections';
const START_WAIT_MS = 10_000;

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class TestRedis {
  #child: ChildProcess | null = null;
  readonly #dir = mkdtempSync(path.join(os.tmpdir(), 'hivemesh-redis-'));

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestRedis> {
    const redis = new TestRedis(await freePort());
    await redis.restart();
    return redis;
  }

  /** Start redis-server (again, empty) on this port; resolves once it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.#dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${START_WAIT_MS} ms`)), START_WAIT_MS);
      let seen = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (!seen.includes(READY)) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): is it installed? (apt-get install redis-server)`));
      });
    });
    child.stdout!.resume();
  }

  /**
   * Kill redis-server (SIGKILL: a crash, its data gone) and wait until it is gone; or, with
   * `keepData`, shut it down saving its data, which the next restart loads (a network outage).
   */
  async stop(keepData = false): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    if (keepData) spawn('redis-cli', ['-p', String(this.port), 'shutdown', 'save'], { stdio: 'ignore' });
    else child.kill('SIGKILL');
    await gone;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
