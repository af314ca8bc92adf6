// The gate in front of both sockets: a page of another origin cannot open them (so a site a
// student visits cannot attack the classroom's server through the student's browser), one address
// cannot open hundreds of them, and one address cannot fill a colony.

import { describe, expect, it } from 'vitest';
import { originAllowed } from './gate';
import { CLOSE_TRY_LATER } from './relay';
import { beeId, joinFrame, TestBee, TestPeer, testIdentity } from './test-bee';
import { serversPerTest } from './test-servers';

const hive = serversPerTest();

describe('origin', () => {
  it('admits no Origin, the app’s own origin and listed ones, and nothing else', () => {
    const host = '10.0.0.5:8080';
    expect(originAllowed(undefined, host, [])).toBe(true);
    expect(originAllowed('http://10.0.0.5:8080', host, [])).toBe(true);
    expect(originAllowed('https://10.0.0.5:8080', host, [])).toBe(true);
    expect(originAllowed('http://10.0.0.5:8081', host, [])).toBe(false);
    expect(originAllowed('https://evil.example', host, [])).toBe(false);
    expect(originAllowed('null', host, [])).toBe(false);
    expect(originAllowed('https://school.example', host, ['https://school.example'])).toBe(true);
  });

  it('refuses sockets from a page of another origin on /signal and /peerjs (403), and admits the app’s own', async () => {
    const server = await hive({ allowedOrigins: ['https://school.example'] });
    const evil = { origin: 'https://evil.example' };
    await expect(TestBee.open(server.port, '/signal', evil)).rejects.toThrow(/403/);
    await expect(TestBee.open(server.port, '/peerjs/peerjs?key=peerjs&id=00000000&token=x', evil)).rejects.toThrow(/403/);
    expect(server.stats().rejected).toEqual({ ERR_ORIGIN: 2 });
    await TestBee.open(server.port, '/signal', { origin: `http://127.0.0.1:${server.port}` });
    await TestBee.open(server.port, '/signal', { origin: 'https://school.example' });
    const { token } = await TestBee.join(server.port, 'demo', beeId(1));
    await TestBee.open(server.port, `/peerjs/peerjs?key=peerjs&id=${beeId(1)}&token=${token}`, { origin: `http://127.0.0.1:${server.port}` });
  });
});

describe('connections per address', () => {
  it('admits at most the burst of sockets from one address, across /signal and /peerjs (429 beyond)', async () => {
    // No refill during the test, so the count is exact; the default burst is 120.
    const server = await hive({ limits: { connectionsPerS: 0.001 } });
    const statuses = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        (i % 2 ? TestBee.open(server.port) : TestPeer.open(server.port, beeId(i), 'no-token')).then(
          () => 101,
          (error: Error) => Number(/\d{3}/.exec(error.message)?.[0]),
        ),
      ),
    );
    expect(statuses.filter((status) => status === 101)).toHaveLength(120);
    expect(statuses.filter((status) => status === 429)).toHaveLength(180);
  });
});

describe('colony filling', () => {
  it('stops one address at its share of a colony; other colonies stay open to it', async () => {
    const server = await hive({ limits: { maxBeesPerColonyPerAddress: 3 } });
    for (let n = 1; n <= 3; n++) await TestBee.join(server.port, 'demo', beeId(n));
    const fourth = await TestBee.open(server.port);
    fourth.send(joinFrame('demo', testIdentity(4), fourth.nonce));
    await fourth.nextError('ERR_ADDRESS_FULL');
    expect((await fourth.waitClosed()).code).toBe(CLOSE_TRY_LATER);
    await TestBee.join(server.port, 'other', beeId(4));
    expect(server.stats()).toMatchObject({ bees: 4, rejected: { ERR_ADDRESS_FULL: 1 } });
  });
});
