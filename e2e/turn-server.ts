// Debian's coturn (`turnserver`), started by a test inside its network namespace on free ports,
// with coturn's REST credentials (`use-auth-secret`): what docs/deploy.md tells a school to run.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TURNSERVER = '/usr/bin/turnserver';
/** Relay ports per allocation; two tabs need two, a few spare cover retries. */
const RELAY_PORTS = 20;
const START_TIMEOUT_MS = 10_000;

export interface TurnServer {
  /** turn:<ip>:<port>?transport=udp */
  url: string;
  stop(): Promise<void>;
}

/** A UDP port nothing on `ip` holds right now. */
function freeUdpPort(ip: string): Promise<number> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, ip, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export async function startTurnServer(ip: string, secret: string): Promise<TurnServer> {
  if (!existsSync(TURNSERVER)) throw new Error(`${TURNSERVER} not found: apt-get install -y coturn (.ci/run does)`);
  const port = await freeUdpPort(ip);
  // Its pid file and (unused) user database, which default to system paths.
  const dir = mkdtempSync(join(tmpdir(), 'hivemesh-turn-'));
  const relayFrom = await freeUdpPort(ip);
  // prettier-ignore
  const args = [
    '-n', '-v', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint', '--realm=hivemesh',
    `--listening-ip=${ip}`, `--relay-ip=${ip}`, `--listening-port=${port}`,
    `--min-port=${relayFrom}`, `--max-port=${Math.min(65_535, relayFrom + RELAY_PORTS)}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`,
    '--log-file=stdout', '--simple-log', `--pidfile=${join(dir, 'pid')}`, `--userdb=${join(dir, 'db')}`,
  ];
  const child: ChildProcess = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`turnserver did not start within ${START_TIMEOUT_MS / 1000} s:\n${log}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      // Read on after start-up (a full pipe would stall coturn), keep only what explains a failed start.
      if (log.length > 64 * 1024) return;
      log += chunk.toString();
      // With -v, coturn logs this once its UDP listener is bound.
      if (log.includes(`UDP listener opened on: ${ip}:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`turnserver exited (${code}) before listening:\n${log}`));
    });
  });
  return {
    url: `turn:${ip}:${port}?transport=udp`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }).finally(() => rmSync(dir, { recursive: true, force: true })),
  };
}
