// Fuzzing the real signaling server (fuzz-run.ts): about 10,000 random, malformed and forged
// frames, each answered as a model of the wire rules says, and honest bees served throughout.
// FUZZ_SEED=n replays a run, FUZZ_SOCKETS=n sizes it (bench/signaling-fuzz.ts runs 100,000 frames
// and measures the server's memory); the counts are printed as a `[fuzz] signaling` line.

import { afterEach, expect, it } from 'vitest';
import { describeFuzz, fuzzSignaling } from './fuzz-run';
import { startServer, type HiveServer } from './server';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
/** About 9,000 frames (sockets close early on fatal frames: about 8 frames each). */
const SOCKETS = Number(process.env.FUZZ_SOCKETS ?? 1100);

const servers: HiveServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

it('survives thousands of random, malformed and forged frames, answers each as the rules say, and still serves honest bees', async () => {
  const log: string[] = [];
  // One address plays every client: its connection rate and colony share are lifted (each is
  // tested on its own in gate.test.ts); every per-socket limit is the default.
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    log: (line) => log.push(line),
    limits: { connectionsPerS: 1e6, connectionBurst: 1e6, maxBeesPerColonyPerAddress: 1e6 },
  });
  servers.push(server);
  const target = {
    port: server.port,
    stats: async () => server.stats(),
    internalErrors: async () => log.filter((line) => line.includes('internal error')).length,
  };
  const report = await fuzzSignaling(target, SEED, SOCKETS);
  expect(report.frames).toBeGreaterThan(SOCKETS * 8);
  expect(report.kinds['forged-join']).toBeGreaterThan(0);
  console.log(describeFuzz(report));
}, 300_000);
