// What every welcome says about ICE: the server's own STUN responder where the page reached it,
// ICE_SERVERS after it, and TURN credentials coturn checks (REST style, time-limited).

import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { afterEach, describe, expect, it } from 'vitest';
import { iceForBee, NO_ICE, stunUrl, turnCredential, TURN_CREDENTIAL_TTL_S } from './ice';
import { startServer, type HiveServer } from './server';
import { beeId, TestBee } from './test-bee';

const NOW_S = 1_800_000_000;
const TURN = { urls: 'turn:turn.school.example:3478' };

describe('turnCredential', () => {
  it("makes coturn's REST credential: an expiring username and the secret's HMAC-SHA1 of it", () => {
    const { username, credential } = turnCredential('s3cret', 'bee', NOW_S, 600);
    expect(username).toBe(`${NOW_S + 600}:bee`);
    expect(credential).toBe(Buffer.from(hmac(sha1, new TextEncoder().encode('s3cret'), new TextEncoder().encode(username))).toString('base64'));
  });
});

describe('stunUrl', () => {
  it('names the responder by the host the page reached the server at, with the STUN port', () => {
    expect(stunUrl('10.0.0.5:8080', 3478)).toBe('stun:10.0.0.5:3478');
    expect(stunUrl('hive.school.example', 8080)).toBe('stun:hive.school.example:8080');
    expect(stunUrl('[fd00::5]:8080', 8080)).toBe('stun:[fd00::5]:8080');
  });

  it('names none for a missing or unreadable Host header', () => {
    expect(stunUrl(undefined, 8080)).toBeNull();
    expect(stunUrl('', 8080)).toBeNull();
    expect(stunUrl('a b', 8080)).toBeNull();
  });
});

describe('iceForBee', () => {
  it('puts the STUN responder first, then ICE_SERVERS as configured', () => {
    const fixed = { urls: ['turn:10.0.0.5:3478'], username: 'class', credential: 'honey' };
    expect(iceForBee({ ...NO_ICE, iceServers: [fixed] }, 'stun:10.0.0.5:8080', 'b1', NOW_S)).toEqual({
      iceServers: [{ urls: 'stun:10.0.0.5:8080' }, fixed],
      iceTransportPolicy: 'all',
    });
  });

  it('gives each bee its own time-limited credential for TURN servers without one', () => {
    const ice = iceForBee({ iceServers: [TURN], iceTransportPolicy: 'relay', turnSecret: 's3cret' }, null, 'b1', NOW_S);
    expect(ice).toEqual({ iceServers: [{ ...TURN, ...turnCredential('s3cret', 'b1', NOW_S, TURN_CREDENTIAL_TTL_S) }], iceTransportPolicy: 'relay' });
  });

  it('keeps a TURN server its configured credential even with a secret', () => {
    const fixed = { ...TURN, username: 'class', credential: 'honey' };
    expect(iceForBee({ iceServers: [fixed], iceTransportPolicy: 'all', turnSecret: 's3cret' }, null, 'b1', NOW_S).iceServers).toEqual([fixed]);
  });
});

describe('the welcome', () => {
  const servers: HiveServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  async function welcomeIce(options: Parameters<typeof startServer>[0]): Promise<unknown> {
    const server = await startServer({ port: 0, host: '127.0.0.1', ...options });
    servers.push(server);
    const { bee } = await TestBee.join(server.port, 'demo', beeId(1));
    return bee.received.find((frame) => frame.type === 'welcome')?.ice;
  }

  it("hands a bee the server's STUN responder at the host its page used, on the server's own port number by default", async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    expect(server.stunPort).toBe(server.port);
    const { bee } = await TestBee.join(server.port, 'demo', beeId(1), { headers: { host: `hive.school.example:${server.port}` } });
    expect(bee.received.find((frame) => frame.type === 'welcome')?.ice).toEqual({
      iceServers: [{ urls: `stun:hive.school.example:${server.port}` }],
      iceTransportPolicy: 'all',
    });
  });

  it('hands out TURN credentials made from the secret, and no STUN when the responder is off', async () => {
    const ice = (await welcomeIce({ stunPort: null, ice: { iceServers: [TURN], iceTransportPolicy: 'relay', turnSecret: 's3cret' } })) as {
      iceServers: Array<{ username: string }>;
    };
    expect(ice.iceServers).toHaveLength(1);
    expect(ice.iceServers[0]?.username).toMatch(new RegExp(`^[0-9]+:${beeId(1)}$`));
  });
});
