// What the relay benchmark runs inside the two tabs it measures: the same pings and bulk transfers
// over two paths, (1) the app's own `hive.send` (routed through the queen, acknowledged end to end)
// and (2) a bare RTCPeerConnection data channel the benchmark opens between the same two tabs, with
// the offer and answer carried by Node through page.evaluate (no STUN/TURN, like the app). The app
// is not changed: the direct channel is the benchmark's own.
//
// `installAgent` runs in the page (through pageScript), so it may use only its parameters and page
// globals; it puts `window.__benchAgent` in place.

import type { HiveApi } from '../src/bee.ts';

export const AGENT_KEY = '__benchAgent';

/** One received ping, on the receiver: one-way ms on the shared machine clock. */
export interface Arrival {
  seq: number;
  oneWayMs: number;
}

export interface Agent {
  /** Direct channel, offering side: creates the connection and returns the offer (ICE gathered). */
  offer(): Promise<RTCSessionDescriptionInit>;
  /** Direct channel, answering side. */
  answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  /** Offering side: applies the answer and waits for the channel to open. */
  accept(answer: RTCSessionDescriptionInit): Promise<void>;
  /** Answering side: waits for the channel to open. */
  opened(): Promise<void>;
  /** Round-trip ms of `count` pings over the direct channel, one after another. */
  directPings(count: number, padBytes: number): Promise<number[]>;
  /** Ms to hand `count` messages to the direct channel (backpressure respected) until the far end confirms all. */
  directBulk(count: number, padBytes: number): Promise<number>;
  /** Round-trip ms of `count` hive.send calls to `to` (send → end-to-end ack), one after another. */
  relayPings(to: string, count: number, padBytes: number): Promise<number[]>;
  /** Ms until `count` hive.send calls to `to`, `window` at a time, are all acknowledged. */
  relayBulk(to: string, count: number, padBytes: number, window: number): Promise<number>;
  /** Receiving side: one-way times of the pings that arrived by each path, and the routes relayed ones took. */
  arrivals(): { direct: Arrival[]; relayed: Arrival[]; routes: string[][] };
  close(): void;
}

export function installAgent(key: typeof AGENT_KEY): void {
  const hive = (window as unknown as { hive: HiveApi }).hive;
  const now = () => performance.timeOrigin + performance.now();
  // Channel buffer bounds, as TESTING.md measured them: pause above 1 MiB queued, resume at 256 KiB.
  const HIGH_WATER = 1024 * 1024;
  const LOW_WATER = 256 * 1024;
  let pc: RTCPeerConnection | null = null;
  let dc: RTCDataChannel | null = null;
  let openResolve: () => void = () => {};
  const isOpen = new Promise<void>((resolve) => (openResolve = resolve));
  const pongs = new Map<number, () => void>();
  const direct: Arrival[] = [];
  let bulkExpected = 0;
  let bulkReceived = 0;
  let bulkDone: (() => void) | null = null;

  const gathered = (conn: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      if (conn.iceGatheringState === 'complete') return resolve();
      conn.addEventListener('icegatheringstatechange', () => conn.iceGatheringState === 'complete' && resolve());
    });

  const wire = (channel: RTCDataChannel) => {
    dc = channel;
    channel.bufferedAmountLowThreshold = LOW_WATER;
    channel.onopen = () => openResolve();
    if (channel.readyState === 'open') openResolve();
    channel.onmessage = (event: MessageEvent<string>) => {
      const msg = JSON.parse(event.data) as { k: string; seq: number; t: number; total: number };
      if (msg.k === 'ping') {
        direct.push({ seq: msg.seq, oneWayMs: now() - msg.t });
        channel.send(JSON.stringify({ k: 'pong', seq: msg.seq }));
      } else if (msg.k === 'pong') pongs.get(msg.seq)?.();
      else if (msg.k === 'expect') {
        bulkExpected = msg.total;
        bulkReceived = 0;
      } else if (msg.k === 'bulk' && ++bulkReceived === bulkExpected) channel.send(JSON.stringify({ k: 'done' }));
      else if (msg.k === 'done') bulkDone?.();
    };
  };

  const channel = () => {
    if (dc === null) throw new Error('no direct channel');
    return dc;
  };

  const agent: Agent = {
    async offer() {
      pc = new RTCPeerConnection({ iceServers: [] });
      wire(pc.createDataChannel('bench', { ordered: true }));
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      return pc.localDescription!.toJSON() as RTCSessionDescriptionInit;
    },
    async answer(offer) {
      pc = new RTCPeerConnection({ iceServers: [] });
      pc.ondatachannel = (event) => wire(event.channel);
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      return pc.localDescription!.toJSON() as RTCSessionDescriptionInit;
    },
    async accept(answer) {
      await pc!.setRemoteDescription(answer);
      await isOpen;
    },
    opened: () => isOpen,
    async directPings(count, padBytes) {
      const pad = 'x'.repeat(padBytes);
      const rtts: number[] = [];
      for (let seq = 0; seq < count; seq++) {
        const t = now();
        const pong = new Promise<void>((resolve) => pongs.set(seq, resolve));
        channel().send(JSON.stringify({ k: 'ping', seq, t, pad }));
        await pong;
        pongs.delete(seq);
        rtts.push(now() - t);
      }
      return rtts;
    },
    async directBulk(count, padBytes) {
      const pad = 'x'.repeat(padBytes);
      const out = channel();
      const done = new Promise<void>((resolve) => (bulkDone = resolve));
      const t = now();
      out.send(JSON.stringify({ k: 'expect', total: count }));
      for (let seq = 0; seq < count; seq++) {
        if (out.bufferedAmount > HIGH_WATER) await new Promise((resolve) => out.addEventListener('bufferedamountlow', resolve, { once: true }));
        out.send(JSON.stringify({ k: 'bulk', seq, pad }));
      }
      await done;
      bulkDone = null;
      return now() - t;
    },
    async relayPings(to, count, padBytes) {
      const pad = 'x'.repeat(padBytes);
      const rtts: number[] = [];
      for (let seq = 0; seq < count; seq++) {
        const t = now();
        await hive.send(to, { k: 'relay-ping', seq, t, pad });
        rtts.push(now() - t);
      }
      return rtts;
    },
    async relayBulk(to, count, padBytes, window) {
      const pad = 'x'.repeat(padBytes);
      let next = 0;
      const t = now();
      await Promise.all(
        Array.from({ length: window }, async () => {
          while (next < count) await hive.send(to, { k: 'relay-bulk', seq: next++, pad });
        }),
      );
      return now() - t;
    },
    arrivals() {
      const relayed: Arrival[] = [];
      const routes: string[][] = [];
      for (const entry of hive.inbox()) {
        const body = entry.body as { k?: string; seq?: number; t?: number } | null;
        if (body?.k !== 'relay-ping' && body?.k !== 'relay-bulk') continue;
        routes.push(entry.route);
        // The inbox stamps arrival with the bee's Date.now(): whole milliseconds.
        if (body.k === 'relay-ping') relayed.push({ seq: body.seq ?? -1, oneWayMs: entry.at - (body.t ?? 0) });
      }
      return { direct: [...direct], relayed, routes };
    },
    close() {
      dc?.close();
      pc?.close();
    },
  };
  (window as unknown as Record<string, Agent>)[key] = agent;
}
