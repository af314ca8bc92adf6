// The in-memory transport honours the Transport contract, and real Protocol instances run over it.
import { describe, expect, it } from 'vitest';
import { encodeFrame, parseFrame } from '../hive/frames';
import { Protocol, type Delivered, type HiveEvent } from '../hive/protocol';
import { seededRng } from '../hive/rng';
import { simNotary } from '../sim/notary';
import { MemoryNetwork } from './memory';
import type { LinkEvent } from './transport';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('MemoryTransport', () => {
  it('opens a link at both ends, carries frames both ways and closes both ends', async () => {
    const network = new MemoryNetwork();
    const a = network.transport('aaaaaaaaaaaaaaaa');
    const b = network.transport('bbbbbbbbbbbbbbbb');
    const seenA: LinkEvent[] = [];
    const seenB: LinkEvent[] = [];
    a.subscribe((e) => seenA.push(e));
    b.subscribe((e) => seenB.push(e));
    a.link(b.self);
    await settle();
    expect(a.send(b.self, 'ping')).toBe(true);
    expect(b.send(a.self, 'pong')).toBe(true);
    await settle();
    a.unlink(b.self);
    await settle();
    expect(a.send(b.self, 'late')).toBe(false);
    expect(seenA.map((e) => e.type)).toEqual(['open', 'frame', 'closed']);
    expect(seenB).toEqual([
      { type: 'open', peer: a.self },
      { type: 'frame', peer: a.self, frame: 'ping' },
      { type: 'closed', peer: a.self, reason: 'closed by peer' },
    ]);
  });

  it('reports a link to an unknown bee as closed', async () => {
    const a = new MemoryNetwork().transport('aaaaaaaaaaaaaaaa');
    const seen: LinkEvent[] = [];
    a.subscribe((e) => seen.push(e));
    a.link('cccccccccccccccc');
    await settle();
    expect(seen).toEqual([{ type: 'closed', peer: 'cccccccccccccccc', reason: 'no such bee' }]);
  });

  it('carries a colony of protocols: a broadcast floods to every bee once', async () => {
    const network = new MemoryNetwork();
    const ids = Array.from({ length: 8 }, (_, i) => String(i + 1).repeat(16));
    let now = 0;
    const inboxes = new Map<string, Delivered[]>(ids.map((id) => [id, []]));
    const bees = ids.map((id, i) => {
      const protocol = new Protocol(id, seededRng(i), simNotary(id, 1));
      const transport = network.transport(id);
      const step = (event: HiveEvent) => {
        for (const effect of protocol.step(event, now)) {
          if (effect.type === 'link') transport.link(effect.peer);
          else if (effect.type === 'unlink') transport.unlink(effect.peer);
          else if (effect.type === 'send') transport.send(effect.peer, encodeFrame(effect.frame));
          else if (effect.type === 'deliver') inboxes.get(id)?.push(effect.message);
        }
      };
      transport.subscribe((e) => {
        if (e.type === 'open') step({ type: 'linkOpen', peer: e.peer });
        else if (e.type === 'closed') step({ type: 'linkClosed', peer: e.peer });
        else {
          const frame = parseFrame(e.frame);
          step(frame ? { type: 'frame', peer: e.peer, frame } : { type: 'malformed', peer: e.peer });
        }
      });
      return { protocol, step };
    });
    // Each bee is introduced to the bees that came before it, as the signaling server would.
    bees.forEach((bee, i) => bee.step({ type: 'welcome', peers: ids.slice(Math.max(0, i - 3), i) }));
    for (let t = 0; t < 20; t++) {
      now += 250;
      for (const bee of bees) bee.step({ type: 'tick' });
      await settle();
    }
    for (const bee of bees) expect(bee.protocol.snapshot().roster).toHaveLength(8);
    bees[0]!.step({ type: 'broadcast', ref: 1, body: 'buzz' });
    await settle();
    for (const id of ids.slice(1)) expect(inboxes.get(id)?.map((m) => m.body)).toEqual(['buzz']);
  });
});
