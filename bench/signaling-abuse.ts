// `npx tsx bench/signaling-abuse.ts [flood|fuzz]…`: what abuse costs the real signaling server, in
// a process of its own (signaling-child.ts), measured by its resident memory before and after.
//   flood: a PeerJS client that never reads, fed by 10 others for 20 s (each within the frame
//          rate limit, 16 KiB offers): the reader must be cut off at its buffer cap.
//   fuzz:  100,000 random, malformed and forged /signal frames (signaling/fuzz-run.ts), each
//          answered as the model says, with honest bees served throughout.
// Prints one JSON line per run. FUZZ_SEED and FUZZ_SOCKETS as in signaling/fuzz.test.ts.

import WebSocket from 'ws';
import { createIdentity, type Identity } from '../src/crypto/identity.ts';
import { proveJoin } from '../src/net/join-proof.ts';
import { SIGNAL_PATH } from '../src/net/signal-protocol.ts';
import { describeFuzz, fuzzSignaling } from '../signaling/fuzz-run.ts';
import { ServerChild } from './signaling.ts';

const FEEDERS = 10;
const FLOOD_S = 20;
/** Within the default 40 frames/s per socket, so no feeder is cut off for its rate. */
const FEEDER_FRAMES_PER_S = 35;
const OFFER = { type: 'data', connectionId: 'dc_flood', sdp: 'x'.repeat(15_000) };
const MIB = 2 ** 20;

const mib = (bytes: number) => Math.round((bytes / MIB) * 10) / 10;

/** Joins /signal as a fresh bee from `address` and opens its PeerJS socket; resolves at OPEN. */
async function peerJsBee(port: number, address: string): Promise<{ identity: Identity; peer: WebSocket }> {
  const identity = createIdentity();
  const signal = new WebSocket(`ws://127.0.0.1:${port}${SIGNAL_PATH}`, { localAddress: address });
  const token = await new Promise<string>((resolve, reject) => {
    signal.once('error', reject);
    signal.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { type: string; nonce?: string; token?: string };
      if (frame.type === 'challenge') signal.send(JSON.stringify({ type: 'join', colony: 'flood', bee: identity.id, ...proveJoin(identity, 'flood', frame.nonce!) }));
      if (frame.type === 'welcome') resolve(frame.token!);
    });
  });
  const peer = new WebSocket(`ws://127.0.0.1:${port}/peerjs/peerjs?key=peerjs&id=${identity.id}&token=${token}&version=1.5.5`, { localAddress: address });
  await new Promise<void>((resolve, reject) => {
    peer.once('error', reject);
    peer.once('message', () => resolve());
  });
  return { identity, peer };
}

async function flood(): Promise<void> {
  const server = await ServerChild.start('hive');
  try {
    const before = await server.usage();
    const sink = await peerJsBee(server.port, '127.0.0.2');
    // Never reads: the kernel's buffers fill, then the server's.
    sink.peer.pause();
    const feeders = await Promise.all(Array.from({ length: FEEDERS }, (_, i) => peerJsBee(server.port, `127.0.0.${3 + i}`)));
    const frame = JSON.stringify({ type: 'OFFER', dst: sink.identity.id, payload: OFFER });
    let sent = 0;
    const timer = setInterval(() => {
      for (const { peer } of feeders) {
        if (peer.readyState !== peer.OPEN) continue;
        peer.send(frame);
        sent++;
      }
    }, 1000 / FEEDER_FRAMES_PER_S);
    let peak = before.rssBytes;
    for (let s = 0; s < FLOOD_S; s++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      peak = Math.max(peak, (await server.usage()).rssBytes);
    }
    clearInterval(timer);
    const after = await server.usage();
    const feedersOpen = feeders.filter(({ peer }) => peer.readyState === peer.OPEN).length;
    // The paused sink reads nothing, not even its close: ask the server which sockets it still holds.
    const { stats } = await server.stats();
    console.log(
      JSON.stringify({
        bench: 'peerjs-flood',
        feeders: FEEDERS,
        seconds: FLOOD_S,
        offersSent: sent,
        mibSent: mib(sent * frame.length),
        readerCutOff: stats.peerjs === FEEDERS,
        rejected: stats.rejected,
        feedersStillOpen: feedersOpen,
        rssMiB: { before: mib(before.rssBytes), peak: mib(peak), after: mib(after.rssBytes) },
        heapUsedMiB: { before: mib(before.heapUsedBytes), after: mib(after.heapUsedBytes) },
      }),
    );
    for (const { peer } of [sink, ...feeders]) peer.terminate();
  } finally {
    server.stop();
  }
}

async function fuzz(): Promise<void> {
  const seed = Number(process.env.FUZZ_SEED ?? 0x5eed);
  // About 7 frames a socket (many end early on a fatal frame): 14,000 sockets are about 100,000 frames.
  const sockets = Number(process.env.FUZZ_SOCKETS ?? 14_000);
  const server = await ServerChild.start('fuzz');
  try {
    const before = await server.usage();
    const started = performance.now();
    const report = await fuzzSignaling(
      {
        port: server.port,
        stats: async () => (await server.stats()).stats,
        internalErrors: async () => (await server.stats()).internalErrors,
      },
      seed,
      sockets,
    );
    const after = await server.usage();
    console.log(describeFuzz(report));
    console.log(
      JSON.stringify({
        bench: 'signaling-fuzz',
        seed,
        frames: report.frames,
        seconds: Math.round((performance.now() - started) / 100) / 10,
        serverCpuS: Math.round((after.cpuMicros - before.cpuMicros) / 1e5) / 10,
        rssMiB: { before: mib(before.rssBytes), after: mib(after.rssBytes) },
        heapUsedMiB: { before: mib(before.heapUsedBytes), after: mib(after.heapUsedBytes) },
      }),
    );
  } finally {
    server.stop();
  }
}

const runs = process.argv.slice(2);
for (const name of runs.length > 0 ? runs : ['flood', 'fuzz']) {
  if (name === 'flood') await flood();
  else if (name === 'fuzz') await fuzz();
  else throw new Error(`unknown run ${name}: flood or fuzz`);
}
