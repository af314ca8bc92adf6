// Queens, end to end: eight real tabs elect exactly one queen, worker→worker traffic goes
// through her, and when she leaves (tab closed), dies (renderer crash) or abdicates, a single
// successor reigns over every survivor while messages in flight still arrive exactly once.
// Runs once per transport. Timings are printed as `[queens-timing]` lines.
import type { Page, TestInfo } from '@playwright/test';
import { beeId, crashBee, expect, inbox, snapshots, test, waitForHive } from './fixtures.ts';
import type { HiveWindow, Snapshot } from './fixtures.ts';

const COLONY_SIZE = 8;
/** From the last tab ready to all eight following one queen. */
const ELECTION_BUDGET_MS = 30_000;
/** A queen's death or abdication to every survivor following her successor (the issue's bar). */
const FAILOVER_BUDGET_MS = 15_000;
/** Messages sent while an abdication is under way, at least. */
const ABDICATION_STREAM_MIN = 10;
/** The stream stops there (the inbox keeps 1000 entries) and the test just waits for the handover. */
const ABDICATION_STREAM_MAX = 400;
/** How often the in-page watcher samples role, term and queen (invariant 1 across the test). */
const WATCH_INTERVAL_MS = 25;

type ReignWindow = HiveWindow & { __reigns?: Array<[number, string, number, string | null, string | null]> };

// ---- reading the colony ------------------------------------------------------------------

function describe(snap: Snapshot): string {
  return (
    `${snap.id} role=${snap.role} term=${snap.term} queen=${snap.queen ?? '-'} ` +
    `workers=[${snap.workers.join(',')}] neighbours=[${snap.neighbours.join(',')}] roster=${snap.roster.length}`
  );
}

const dump = (snaps: readonly Snapshot[]) => snaps.map((snap) => `  ${describe(snap)}`).join('\n');

/**
 * Why `snaps` is not one hive under one queen (every bee follows the same queen, she alone is
 * queen, the rest are workers, she counts all of them as workers and each links to her), or
 * null when it is. `not` is a queen that must not be the one.
 */
function reignProblem(snaps: readonly Snapshot[], not?: string): string | null {
  const followed = new Set(snaps.map((snap) => snap.queen));
  if (followed.size !== 1) return `tabs follow different queens: ${[...followed].join(', ')}`;
  const queen = snaps[0]?.queen ?? null;
  if (queen === null) return 'no queen yet';
  if (queen === not) return `still the old queen ${queen}`;
  const crowned = snaps.filter((snap) => snap.role === 'queen').map((snap) => snap.id);
  if (crowned.length !== 1 || crowned[0] !== queen) return `tabs with role queen: [${crowned.join(', ')}], followed: ${queen}`;
  const notWorkers = snaps.filter((snap) => snap.id !== queen && snap.role !== 'worker');
  if (notWorkers.length > 0) return `not workers: ${notWorkers.map((snap) => `${snap.id}=${snap.role}`).join(', ')}`;
  const others = snaps.map((snap) => snap.id).filter((id) => id !== queen).sort();
  const workers = [...(snaps.find((snap) => snap.id === queen)?.workers ?? [])].sort();
  if (workers.join() !== others.join()) return `queen's workers [${workers.join(', ')}] are not the others [${others.join(', ')}]`;
  const unlinked = snaps.filter((snap) => snap.id !== queen && !snap.neighbours.includes(queen));
  if (unlinked.length > 0) return `workers without a link to the queen: ${unlinked.map((snap) => snap.id).join(', ')}`;
  return null;
}

interface Reign {
  queen: string;
  /** Her term (a tab that stood in an election nobody won keeps the later term it raised). */
  term: number;
  snaps: Snapshot[];
  /** When the condition was first seen to hold (Date.now()). */
  at: number;
  /** What was still missing while waiting, each change with its time from the start of the wait. */
  trail: string[];
}

/** Polls `pages` (every 100 ms) until they form one hive under one queen; the failure dumps every tab. */
async function awaitReign(pages: readonly Page[], timeoutMs: number, what: string, not?: string): Promise<Reign> {
  let reign: Reign | undefined;
  const start = Date.now();
  const trail: string[] = [];
  await expect(async () => {
    const snaps = await snapshots(pages);
    const problem = reignProblem(snaps, not);
    if (problem !== null && !trail.at(-1)?.endsWith(` ${problem}`)) trail.push(`+${Date.now() - start} ms ${problem}`);
    expect(problem, `${what}: ${problem}\n${dump(snaps)}\nwhile waiting:\n  ${trail.join('\n  ')}`).toBeNull();
    const queen = snaps[0]!.queen!;
    reign = { queen, term: snaps.find((snap) => snap.id === queen)!.term, snaps, at: Date.now(), trail };
  }).toPass({ timeout: timeoutMs, intervals: [100] });
  return reign!;
}

// ---- invariant 1 across the whole test ---------------------------------------------------

/** Records every change of (role, term, queen, hive) in each tab, sampled every WATCH_INTERVAL_MS. */
async function watchReigns(pages: readonly Page[]): Promise<void> {
  await Promise.all(
    pages.map((page) =>
      page.evaluate((intervalMs) => {
        const w = window as unknown as ReignWindow;
        if (w.__reigns) return;
        const history: NonNullable<ReignWindow['__reigns']> = (w.__reigns = []);
        const sample = () => {
          const { role, term, queen, hive } = w.hive.snapshot();
          const last = history.at(-1);
          if (!last || last[1] !== role || last[2] !== term || last[3] !== queen || last[4] !== hive) history.push([Date.now(), role, term, queen, hive]);
        };
        sample();
        setInterval(sample, intervalMs);
      }, WATCH_INTERVAL_MS),
    ),
  );
}

type Histories = Map<string, Array<[number, string, number, string | null, string | null]>>;

async function collectReigns(pages: readonly Page[], into: Histories = new Map()): Promise<Histories> {
  for (const page of pages) {
    const [id, history] = await page.evaluate(() => {
      const w = window as unknown as ReignWindow;
      return [w.hive.id, w.__reigns ?? []] as const;
    });
    into.set(id, [...history]);
  }
  return into;
}

/** At most one queen per hive and term, as every tab saw itself over the test (a handover founds a new hive). */
function expectOneQueenPerTerm(histories: Histories): void {
  const queensOfTerm = new Map<string, Set<string>>();
  for (const [id, history] of histories) {
    for (const [, role, term, , hive] of history) {
      if (role !== 'queen') continue;
      const key = `hive ${hive} term ${term}`;
      const set = queensOfTerm.get(key) ?? new Set<string>();
      set.add(id);
      queensOfTerm.set(key, set);
    }
  }
  const clashes = [...queensOfTerm].filter(([, queens]) => queens.size > 1);
  const story = [...histories]
    .map(([id, history]) => `  ${id}: ${history.map(([at, role, term, queen]) => `${at % 100_000} ${role}/t${term}/q=${queen ?? '-'}`).join(' → ')}`)
    .join('\n');
  expect(clashes.map(([reign, queens]) => `${reign}: ${[...queens].join(', ')}`), `two queens in one hive and term:\n${story}`).toEqual([]);
}

// ---- messages ----------------------------------------------------------------------------

function send(page: Page, to: string, body: string): Promise<void> {
  return page.evaluate(([peer, message]) => (window as unknown as HiveWindow).hive.send(peer, message), [to, body] as const);
}

async function copies(page: Page, body: string) {
  return (await inbox(page)).filter((entry) => entry.body === body);
}

/** Sends `body` and waits for its ack and its arrival: the fence that flushes late duplicates. */
async function sendAndAwait(from: Page, to: Page, toId: string, body: string): Promise<void> {
  await send(from, toId, body);
  await waitForHive(to, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), body);
}

// ---- set-up ------------------------------------------------------------------------------

interface Colony {
  pages: Page[];
  ids: string[];
  reign: Reign;
  pageOf: (id: string) => Page;
}

function timing(testInfo: TestInfo, transport: string, name: string, ms: number, reign?: Reign): void {
  testInfo.annotations.push({ type: 'timing', description: `${name}=${ms}` });
  console.log(`[queens-timing] ${transport} ${name}=${ms}`);
  if (reign && process.env.QUEENS_TRAIL) console.log(`  waited on:\n    ${reign.trail.join('\n    ')}`);
}

/** Opens the colony's eight tabs and waits for their queen; reports the election time. */
async function crownedColony(openBees: (n: number) => Promise<Page[]>, testInfo: TestInfo, transport: string): Promise<Colony> {
  const pages = await openBees(COLONY_SIZE);
  const loadedAt = Date.now();
  await watchReigns(pages);
  const ids = await Promise.all(pages.map(beeId));
  const reign = await awaitReign(pages, ELECTION_BUDGET_MS, `${COLONY_SIZE} tabs electing a queen`);
  timing(testInfo, transport, 'election_ms', reign.at - loadedAt, reign);
  return { pages, ids, reign, pageOf: (id) => pages[ids.indexOf(id)]! };
}

/** Two workers of `colony`, neither the queen, preferably not linked to each other. */
function workerPair(colony: Colony): [string, string] {
  const workers = colony.reign.snaps.filter((snap) => snap.id !== colony.reign.queen);
  for (const a of workers) {
    const b = workers.find((other) => other.id !== a.id && !a.neighbours.includes(other.id) && !other.neighbours.includes(a.id));
    if (b) return [a.id, b.id];
  }
  return [workers[0]!.id, workers[1]!.id];
}

// ---- the tests ---------------------------------------------------------------------------

test.describe('queens: a colony of eight tabs', () => {
  test('elects exactly one queen whom every tab follows over a direct link', async ({ openBees, transport }, testInfo) => {
    const colony = await crownedColony(openBees, testInfo, transport);
    const { queen, term } = colony.reign;
    expect(colony.ids).toContain(queen);
    expect(term, 'a reign has a term').toBeGreaterThan(0);
    // Terms only grow: a tab whose own campaign crowned nobody while she was being crowned (a
    // loaded machine fires a candidacy late) keeps the term it raised, and follows her all the same.
    for (const snap of colony.reign.snaps) expect(snap.term, `term of ${snap.id}`).toBeGreaterThanOrEqual(term);

    // The DOM tells the same story (DESIGN.md: data-role, data-queen on the root element).
    for (const [index, id] of colony.ids.entries()) {
      const root = colony.pages[index]!.locator(`[data-bee="${id}"]`);
      await expect(root).toHaveAttribute('data-queen', queen);
      await expect(root).toHaveAttribute('data-role', id === queen ? 'queen' : 'worker');
    }
    expectOneQueenPerTerm(await collectReigns(colony.pages));
  });

  test('routes worker→worker messages through the queen: [sender, queen, receiver]', async ({ openBees, transport, colony: name }, testInfo) => {
    const colony = await crownedColony(openBees, testInfo, transport);
    const { queen } = colony.reign;
    const workers = colony.ids.filter((id) => id !== queen);
    // Every worker sends to the next one round the ring: neighbours and strangers alike.
    const pairs = workers.map((from, index) => [from, workers[(index + 1) % workers.length]!] as const);
    const bodyOf = (from: string, to: string) => `route ${name} ${from}→${to}`;

    await Promise.all(pairs.map(([from, to]) => send(colony.pageOf(from), to, bodyOf(from, to))));
    for (const [from, to] of pairs) {
      const receiver = colony.pageOf(to);
      await waitForHive(receiver, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), bodyOf(from, to));
    }
    // A second round flushes any duplicate of the first still on its way.
    await Promise.all(pairs.map(([from, to]) => sendAndAwait(colony.pageOf(from), colony.pageOf(to), to, `fence ${bodyOf(from, to)}`)));

    const snaps = await snapshots(colony.pages);
    for (const [from, to] of pairs) {
      const entries = await copies(colony.pageOf(to), bodyOf(from, to));
      expect(entries, `copies of ${from}→${to}\n${dump(snaps)}`).toHaveLength(1);
      expect(entries[0]!.from).toBe(from);
      expect(entries[0]!.route, `route of ${from}→${to}\n${dump(snaps)}`).toEqual([from, queen, to]);
    }
    expect(reignProblem(snaps), dump(snaps)).toBeNull();
  });

  for (const death of ['closed', 'crashed'] as const) {
    test(`when the queen's tab is ${death}, one successor reigns and a message sent meanwhile arrives once`, async ({
      openBees,
      transport,
      colony: name,
      allowConsoleError,
    }, testInfo) => {
      const colony = await crownedColony(openBees, testInfo, transport);
      const { queen } = colony.reign;
      const queenPage = colony.pageOf(queen);
      const survivors = colony.pages.filter((page) => page !== queenPage);
      const [fromId, toId] = workerPair(colony);
      const [sender, receiver] = [colony.pageOf(fromId), colony.pageOf(toId)];
      const body = `after the queen ${death} ${name}`;
      const histories = await collectReigns([queenPage]);

      const diedAt = Date.now();
      if (death === 'closed') {
        // A closed tab runs pagehide: the queen crowns a successor and says goodbye.
        await queenPage.close();
      } else {
        // A renderer crash: no pagehide, no goodbye; only the sockets closing give her away.
        allowConsoleError(/: crashed$/);
        await crashBee(queenPage);
      }
      // Start the send before the colony has a new queen.
      const sent = send(sender, toId, body).then(() => Date.now());

      const reign = await awaitReign(survivors, FAILOVER_BUDGET_MS, `survivors after the queen ${death}`, queen);
      timing(testInfo, transport, `${death === 'closed' ? 'close_handover_ms' : 'crash_failover_ms'}`, reign.at - diedAt, reign);
      expect(reign.snaps.map((snap) => snap.id)).not.toContain(queen);

      const ackedAt = await sent;
      timing(testInfo, transport, `${death}_inflight_ack_ms`, ackedAt - diedAt);
      await waitForHive(receiver, (hive, wanted: string) => hive.inbox().some((entry) => entry.body === wanted), body);
      // The fence: once a later message has arrived, a late duplicate of the first would have too.
      const fence = `fence ${body}`;
      await sendAndAwait(sender, receiver, toId, fence);

      const snaps = await snapshots(survivors);
      const entries = await copies(receiver, body);
      expect(entries, `copies of the message sent while queenless\n${dump(snaps)}`).toHaveLength(1);
      expect(entries[0]!.from).toBe(fromId);
      const fenced = await copies(receiver, fence);
      expect(fenced).toHaveLength(1);
      // Under the new queen, worker→worker traffic goes through her again.
      if (fromId !== reign.queen && toId !== reign.queen) {
        expect(fenced[0]!.route, `route under the new queen\n${dump(snaps)}`).toEqual([fromId, reign.queen, toId]);
      }
      expect(reignProblem(snaps, queen), dump(snaps)).toBeNull();
      expectOneQueenPerTerm(await collectReigns(survivors, histories));
    });
  }

  test('abdicate() hands over to one successor while a stream of messages arrives exactly once', async ({
    openBees,
    transport,
    colony: name,
  }, testInfo) => {
    const colony = await crownedColony(openBees, testInfo, transport);
    const { queen } = colony.reign;
    const queenPage = colony.pageOf(queen);
    const [fromId, toId] = workerPair(colony);
    const [sender, receiver] = [colony.pageOf(fromId), colony.pageOf(toId)];
    const bodyOf = (i: number) => `stream ${name} #${i}`;

    const startedAt = Date.now();
    let abdicatedAt: number | undefined;
    let abdicationError: unknown;
    const abdication = queenPage
      .evaluate(() => (window as unknown as HiveWindow).hive.abdicate() as Promise<void>)
      .then(
        () => void (abdicatedAt = Date.now()),
        (error: unknown) => void (abdicationError = error),
      );
    let handoverOver = false;
    const handover = awaitReign(colony.pages, FAILOVER_BUDGET_MS, 'all eight tabs after abdicate()', queen).finally(() => {
      handoverOver = true;
    });
    handover.catch(() => undefined); // awaited below; keeps an early failure from going unhandled

    // The stream: one awaited send after another, from the abdication until it has resolved and
    // every tab follows the successor (or that failed), and at least ABDICATION_STREAM_MIN.
    const latencies: number[] = [];
    let sentBeforeResolve = 0;
    const streaming = () =>
      latencies.length < ABDICATION_STREAM_MIN ||
      !(handoverOver && (abdicatedAt !== undefined || abdicationError !== undefined));
    while (streaming() && latencies.length < ABDICATION_STREAM_MAX) {
      const before = Date.now();
      await send(sender, toId, bodyOf(latencies.length));
      latencies.push(Date.now() - before);
      if (abdicatedAt === undefined) sentBeforeResolve++;
    }
    await abdication;
    if (abdicationError !== undefined) throw abdicationError;
    const reign = await handover;
    const count = latencies.length;
    timing(testInfo, transport, 'abdicate_resolve_ms', abdicatedAt! - startedAt);
    timing(testInfo, transport, 'abdicate_handover_ms', reign.at - startedAt, reign);
    timing(testInfo, transport, 'abdicate_stream_messages', count);
    timing(testInfo, transport, 'abdicate_stream_sent_before_resolve', sentBeforeResolve);
    timing(testInfo, transport, 'abdicate_stream_max_send_ms', Math.max(...latencies));

    const fence = `fence ${name}`;
    await sendAndAwait(sender, receiver, toId, fence);
    const snaps = await snapshots(colony.pages);
    const received = (await inbox(receiver)).filter((entry) => typeof entry.body === 'string' && entry.body.startsWith(`stream ${name} #`));
    const counts = new Map<string, number>();
    for (const entry of received) counts.set(entry.body as string, (counts.get(entry.body as string) ?? 0) + 1);
    const wrong = Array.from({ length: count }, (_, i) => bodyOf(i)).filter((body) => counts.get(body) !== 1);
    expect(
      wrong.map((body) => `${body}: ${counts.get(body) ?? 0} copies`),
      `the stream of ${count} messages, each exactly once\n${dump(snaps)}`,
    ).toEqual([]);
    expect(received, 'nothing but the stream').toHaveLength(count);

    expect(reign.queen).not.toBe(queen);
    const old = snaps.find((snap) => snap.id === queen)!;
    expect(old.role, `the old queen steps down\n${dump(snaps)}`).toBe('worker');
    expect(old.queen).toBe(reign.queen);
    expect(reignProblem(snaps, queen), dump(snaps)).toBeNull();
    expectOneQueenPerTerm(await collectReigns(colony.pages));
  });
});
