// `npm start`'s environment and start-up failures: a person deploying it reads one clear line.

import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NO_ICE } from './ice';
import { startServer } from './server';
import { DEFAULT_HOST, DEFAULT_PORT, explainListenError, readSettings, SettingsError } from './settings';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Runs signaling/main.ts as `npm start` would, with this environment; resolves its exit and stderr. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['signaling/main.ts'], { cwd: ROOT, env: { ...process.env, ...env } }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
    child.stdin?.end();
  });
}

function listening(): Promise<http.Server> {
  const server = http.createServer();
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function listeningUdp(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

describe('readSettings', () => {
  it('defaults to port 8080 on every interface with no public URL', () => {
    const defaults = { port: DEFAULT_PORT, host: DEFAULT_HOST, publicUrl: null, allowedOrigins: [], redisUrl: null, stunPort: DEFAULT_PORT, ice: NO_ICE };
    expect(readSettings({})).toEqual(defaults);
    expect(readSettings({ PORT: '', HOST: '', PUBLIC_URL: '', ALLOWED_ORIGINS: '', STUN_PORT: '', ICE_SERVERS: '', TURN_SECRET: '' })).toEqual(defaults);
  });

  it('takes PORT, HOST and PUBLIC_URL from the environment', () => {
    const settings = readSettings({ PORT: '3000', HOST: '127.0.0.1', PUBLIC_URL: 'https://hive.example.org/' });
    expect(settings).toMatchObject({ port: 3000, host: '127.0.0.1', publicUrl: new URL('https://hive.example.org/'), allowedOrigins: [], redisUrl: null });
  });

  it('takes ALLOWED_ORIGINS as origins separated by commas or spaces, and refuses anything but an origin', () => {
    expect(readSettings({ ALLOWED_ORIGINS: ' https://school.example/, http://10.0.0.5:8080 http://localhost:5173' }).allowedOrigins).toEqual([
      'https://school.example',
      'http://10.0.0.5:8080',
      'http://localhost:5173',
    ]);
    for (const bad of ['school.example', 'ftp://school.example', 'https://school.example/app', '*']) {
      expect(() => readSettings({ ALLOWED_ORIGINS: bad }), bad).toThrow(/ALLOWED_ORIGINS must list origins/);
    }
  });

  it("runs the STUN responder on PORT's number unless STUN_PORT names another, or is off", () => {
    expect(readSettings({ PORT: '3000' }).stunPort).toBe(3000);
    expect(readSettings({ PORT: '3000', STUN_PORT: '3478' }).stunPort).toBe(3478);
    expect(readSettings({ STUN_PORT: 'off' }).stunPort).toBeNull();
    expect(() => readSettings({ STUN_PORT: 'udp' })).toThrow(/^STUN_PORT must be a whole number/);
  });

  it('takes ICE_SERVERS as JSON, with a TURN secret for the TURN servers that carry no credential', () => {
    const turn = { urls: 'turn:10.0.0.5:3478' };
    expect(readSettings({ ICE_SERVERS: JSON.stringify([turn]), TURN_SECRET: 's3cret', ICE_TRANSPORT_POLICY: 'relay' }).ice).toEqual({
      iceServers: [turn],
      iceTransportPolicy: 'relay',
      turnSecret: 's3cret',
    });
    const fixed = [{ urls: ['stun:10.0.0.5:3478', 'turn:10.0.0.5:3478'], username: 'class', credential: 'honey' }];
    expect(readSettings({ ICE_SERVERS: JSON.stringify(fixed) }).ice.iceServers).toEqual(fixed);
  });

  it.each([
    ['{"urls":"stun:x"}', /^ICE_SERVERS must be a JSON list/],
    ['[{"urls":"stun:x"', /^ICE_SERVERS must be a JSON list/],
    ['[{"urls":"http://x"}]', /^ICE_SERVERS must be a JSON list/],
    ['[{"urls":"turn:x:3478"}]', /needs "username" and "credential", or set TURN_SECRET/],
  ])('refuses ICE_SERVERS=%s with a sentence', (json, message) => {
    expect(() => readSettings({ ICE_SERVERS: json })).toThrow(message);
  });

  it('refuses a TURN secret with nothing to use it on, and a relay-only policy without TURN', () => {
    expect(() => readSettings({ TURN_SECRET: 's3cret' })).toThrow(/^TURN_SECRET is set but/);
    expect(() => readSettings({ ICE_TRANSPORT_POLICY: 'relay' })).toThrow(/needs a turn: server/);
    expect(() => readSettings({ ICE_TRANSPORT_POLICY: 'none' })).toThrow(/must be "all" or "relay"/);
  });

  it.each(['80a', '-1', '65536', '1.5', ' 80', 'eighty'])('refuses PORT=%j with a sentence', (port) => {
    expect(() => readSettings({ PORT: port })).toThrow(SettingsError);
    expect(() => readSettings({ PORT: port })).toThrow(/PORT must be a whole number from 0 to 65535/);
  });

  it.each(['hive.example.org', 'ftp://hive.example.org', 'javascript:alert(1)'])('refuses PUBLIC_URL=%j', (url) => {
    expect(() => readSettings({ PUBLIC_URL: url })).toThrow(/PUBLIC_URL must be an http:\/\/ or https:\/\/ address/);
  });
});

describe('explainListenError', () => {
  it('says the port is in use when another program holds it', async () => {
    const other = await listening();
    const port = (other.address() as AddressInfo).port;
    const error = await startServer({ port, host: '127.0.0.1' }).catch((e: unknown) => e);
    other.close();
    expect(explainListenError(error, { host: '127.0.0.1', port })).toMatch(new RegExp(`^Port ${port} is already in use .*PORT=`));
  });

  it("says the STUN responder's UDP port is in use when another program holds it", async () => {
    const other = await listeningUdp();
    const stunPort = other.address().port;
    const error = await startServer({ port: 0, host: '127.0.0.1', stunPort }).catch((e: unknown) => e);
    other.close();
    expect(explainListenError(error, { host: '127.0.0.1', port: 0, stunPort })).toMatch(new RegExp(`^UDP port ${stunPort} \\(the STUN responder\\) is already in use .*STUN_PORT=off`));
  });

  it('says a HOST that is not this machine\'s address is not one', async () => {
    // TEST-NET-3 (RFC 5737): no machine has it.
    const error = await startServer({ port: 0, host: '203.0.113.7' }).catch((e: unknown) => e);
    expect(explainListenError(error, { host: '203.0.113.7', port: 0 })).toMatch(/^HOST=203\.0\.113\.7 is not an address of this machine/);
  });

  it('leaves errors it cannot explain to the stack trace', () => {
    expect(explainListenError(new Error('something else'), { host: DEFAULT_HOST, port: DEFAULT_PORT })).toBeNull();
  });
});

describe('npm start on a bad setting', () => {
  it('prints one line and exits 1 when the port is in use', async () => {
    const other = await listening();
    const { port } = other.address() as AddressInfo;
    const { code, stderr } = await runMain({ PORT: String(port), HOST: '127.0.0.1' });
    other.close();
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(new RegExp(`^Port ${port} is already in use`));
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints one line and exits 1 for a PORT that is not a port', async () => {
    const { code, stderr } = await runMain({ PORT: 'http' });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('PORT must be a whole number from 0 to 65535, got "http"');
  });
});
