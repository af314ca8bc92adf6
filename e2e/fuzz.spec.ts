// A real-tab sample of the link fuzz test (src/sim/link-fuzz.test.ts does the bulk in memory):
// a tab whose RTCPeerConnections are wrapped writes a few hundred malformed frames straight onto
// its real, authenticated data channels to three honest tabs. They drop and count what arrives,
// throw nothing (the fixtures fail a test on any page error), the queen evicts the tab that sent
// it, and the honest tabs keep exchanging messages. FUZZ_SEED replays.
import fc from 'fast-check';
import type { Page } from '@playwright/test';
import { linkFrameArbitrary } from '../src/sim/link-fuzz.ts';
import { beeId, expect, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const FRAMES = 400;
/** Malformed frames on one link within 10 s that condemn its bee (CONDUCT_LIMITS.malformed). */
const MALFORMED_LIMIT = 10;

type FuzzWindow = HiveWindow & { __fuzzChannels: RTCDataChannel[] };

/** Before the app loads: remember every data channel the page's RTCPeerConnections open. */
function captureChannels(): void {
  const channels: RTCDataChannel[] = [];
  (window as unknown as FuzzWindow).__fuzzChannels = channels;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      this.addEventListener('datachannel', (event) => channels.push(event.channel));
    }
    override createDataChannel(...args: Parameters<RTCPeerConnection['createDataChannel']>): RTCDataChannel {
      const channel = super.createDataChannel(...args);
      channels.push(channel);
      return channel;
    }
  };
}

type CountedSnapshot = Snapshot & { counters: { malformed: number }; conduct: { banned: Array<{ bee: string; offence: string }> } };

const malformedCount = async (pages: readonly Page[]) =>
  (await snapshots(pages)).reduce((sum, snap) => sum + (snap as CountedSnapshot).counters.malformed, 0);

test('honest tabs drop and count malformed frames written on real data channels, evict their sender and keep working', async ({ openBees, openBee, context }) => {
  const honest = await openBees(3);
  const ids = await Promise.all(honest.map(beeId));
  await Promise.all(honest.map((page) => waitForHive(page, (hive) => hive.snapshot().queen !== null)));

  const fuzzerPage = await context.newPage();
  await fuzzerPage.addInitScript(captureChannels);
  await openBee(fuzzerPage);
  const fuzzer = await beeId(fuzzerPage);
  // Linked to every honest tab (the queen and its neighbours), each channel open.
  await waitForHive(fuzzerPage, (hive, all: string[]) => all.every((id) => hive.snapshot().neighbours.includes(id)), ids);
  await fuzzerPage.waitForFunction((n) => (window as unknown as FuzzWindow).__fuzzChannels.filter((c) => c.readyState === 'open').length >= n, ids.length);

  const frames = fc.sample(linkFrameArbitrary(fuzzer, ids), { seed: SEED, numRuns: FRAMES * 2 }).filter((f) => f.kind !== 'valid-looking').slice(0, FRAMES);
  const before = await malformedCount(honest);
  const sent = await fuzzerPage.evaluate((raws) => {
    const open = (window as unknown as FuzzWindow).__fuzzChannels.filter((c) => c.readyState === 'open');
    raws.forEach((raw, i) => open[i % open.length]!.send(raw));
    return open.length;
  }, frames.map((f) => f.raw));
  expect(sent).toBeGreaterThanOrEqual(ids.length);

  // The queen has seen enough long before the last frame: every honest tab bans the fuzzer.
  await Promise.all(
    honest.map((page) => waitForHive(page, (hive, bad: string) => (hive.snapshot() as unknown as CountedSnapshot).conduct.banned.some((ban) => ban.bee === bad), fuzzer)),
  );
  const counted = (await malformedCount(honest)) - before;
  expect(counted).toBeGreaterThanOrEqual(MALFORMED_LIMIT);
  expect(counted).toBeLessThanOrEqual(frames.length);
  const offence = ((await snapshots(honest.slice(0, 1)))[0] as CountedSnapshot).conduct.banned.find((ban) => ban.bee === fuzzer)?.offence;

  // Still a colony: a message between two honest tabs is acknowledged and delivered once.
  const body = `after the fuzz ${SEED}`;
  await honest[0]!.evaluate(([to, message]) => (window as unknown as HiveWindow).hive.send(to, message), [ids[1]!, body] as const);
  await waitForHive(honest[1]!, (hive, wanted: string) => hive.inbox().filter((m) => m.body === wanted).length === 1, body);
  const kinds = frames.reduce<Record<string, number>>((all, f) => ({ ...all, [f.kind]: (all[f.kind] ?? 0) + 1 }), {});
  console.log(
    `[fuzz] real tabs seed=${SEED}: ${frames.length} frames written on ${sent} data channels, ${counted} arrived and were dropped and counted as malformed ` +
      `before the sender was evicted (for ${offence}), page errors 0; kinds ${JSON.stringify(kinds)}`,
  );
});
