// What persistence costs a bee: storage after 10,000 messages and write time per message.
//
//   npx tsx bench/store.ts [--messages 10000]                 # the store over fake-indexeddb
//   scripts/in-netns.sh npx tsx bench/store.ts --chromium     # also two real bees in Chromium
//
// The fake-indexeddb part runs the store code a bee runs (BeeStore, Inbox, Outbox, EventLog): a
// receiver persisting each delivered message, a sender writing each message to its outbox, marking
// it handed over, deleting it on the ack and logging it. Storage is the serialized size of the
// bee's records afterwards (caps keep it bounded). The Chromium part starts the real server, opens
// two bees in separate browser contexts (separate storage), broadcasts the messages from one to
// the other, and reads the receiver's own write timings (snapshot().storage) and
// navigator.storage.estimate(). Prints a markdown table and writes bench/results/store-<date>.json.

import 'fake-indexeddb/auto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IDBFactory } from 'fake-indexeddb';
import { createIdentity, serializeIdentity } from '../src/crypto/identity.ts';
import { EventLog } from '../src/store/log.ts';
import { Inbox } from '../src/store/inbox.ts';
import { Outbox } from '../src/store/outbox.ts';
import { openHiveDb, type HiveDb } from '../src/store/schema.ts';
import { BeeStore } from '../src/store/store.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const RECEIVER_KEYS = createIdentity();
const SENDER_KEYS = createIdentity();
const RECEIVER = RECEIVER_KEYS.id;
const SENDER = SENDER_KEYS.id;
const QUEEN = createIdentity().id;
/** A chat-sized body: what a classroom sends. */
const body = (n: number) => `message ${n}: ${'the quick brown bee buzzes over the lazy hive '.repeat(2)}`;
const msgId = (n: number) => n.toString(16).padStart(16, '0');

interface Figures {
  where: string;
  messages: number;
  /** Bytes this bee keeps after all messages. */
  storageBytes: number;
  /** How storageBytes was found. */
  storageMethod: string;
  receiverMsPerMessage: number;
  senderMsPerMessage?: number;
  inboxKept: number;
}

/** Serialized size of every record of `bee` in every store. */
async function recordBytes(db: HiveDb, bee: string): Promise<number> {
  const size = (value: unknown) => (value === undefined ? 0 : JSON.stringify(value).length);
  const [identity, vote, roster, inbox, outbox, log] = await Promise.all([
    db.get('identities', bee),
    db.get('votes', bee),
    db.get('rosters', bee),
    db.getAllFromIndex('inbox', 'by-bee', bee),
    db.getAllFromIndex('outbox', 'by-bee', bee),
    db.getAllFromIndex('log', 'by-bee', bee),
  ]);
  return size(identity) + size(vote) + size(roster) + [...inbox, ...outbox, ...log].reduce((sum, r) => sum + size(r), 0);
}

async function fakeIndexedDb(messages: number): Promise<Figures> {
  globalThis.indexedDB = new IDBFactory();
  const db = await openHiveDb('bench');
  const fail = (what: string, err: unknown) => {
    throw new Error(`${what}: ${String(err)}`);
  };
  await db.put('identities', { id: RECEIVER, createdAt: Date.now(), keys: serializeIdentity(RECEIVER_KEYS) });
  await db.put('identities', { id: SENDER, createdAt: Date.now(), keys: serializeIdentity(SENDER_KEYS) });

  const receiverStore = new BeeStore(db, RECEIVER, fail);
  const inbox = new Inbox(receiverStore, (await receiverStore.load()).inbox);
  await receiverStore.saveVote({ term: 3, votedFor: QUEEN, membership: null, seal: null });
  await receiverStore.saveRoster(QUEEN, [QUEEN, SENDER], Date.now());
  let started = performance.now();
  for (let n = 0; n < messages; n++) {
    await inbox.add({ id: msgId(n), from: SENDER, body: body(n), at: Date.now(), route: [SENDER, QUEEN, RECEIVER] });
  }
  const receiverMs = performance.now() - started;

  const senderStore = new BeeStore(db, SENDER, fail);
  const loaded = await senderStore.load();
  const outbox = new Outbox(senderStore, loaded.outbox);
  const log = new EventLog(senderStore, loaded.log);
  started = performance.now();
  for (let n = 0; n < messages; n++) {
    const entry = await outbox.add(msgId(n), 'send', RECEIVER, body(n), Date.now());
    if (typeof entry === 'string') throw new Error(entry);
    outbox.submitted(entry);
    outbox.delivered(entry.id);
    log.append(Date.now(), 'sent', `send ${entry.id} acknowledged by ${RECEIVER}`, { msg: entry.id });
  }
  // The loop awaited only the outbox entries, as the driver does; the rest are queued.
  await senderStore.idle();
  const senderMs = performance.now() - started;

  const figures: Figures = {
    where: 'fake-indexeddb (Node)',
    messages,
    storageBytes: await recordBytes(db, RECEIVER),
    storageMethod: 'serialized records of the receiving bee',
    receiverMsPerMessage: receiverMs / messages,
    senderMsPerMessage: senderMs / messages,
    inboxKept: inbox.list().length,
  };
  db.close();
  return figures;
}

async function chromium(messages: number): Promise<Figures> {
  const { chromium: playwright } = await import('@playwright/test');
  const { build } = await import('vite');
  const { startServer } = await import('../signaling/server.ts');
  const { chromiumArgs, chromiumPath } = await import('../scripts/chromium.ts');
  await build({ root: ROOT, logLevel: 'warn' });
  const server = await startServer({ port: 0, distDir: path.join(ROOT, 'dist') });
  const browser = await playwright.launch({ executablePath: chromiumPath(), args: chromiumArgs([]), headless: true });
  try {
    // Loopback, a secure context: navigator.storage exists only there.
    const url = `http://127.0.0.1:${server.port}/?colony=bench-store-${Date.now().toString(36)}`;
    const open = async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(url);
      await page.waitForFunction(() => 'hive' in window);
      await page.evaluate(() => (window as unknown as { hive: { ready: Promise<void> } }).hive.ready);
      return page;
    };
    type BenchHive = {
      id: string;
      broadcast(body: unknown): Promise<void>;
      inbox(): unknown[];
      snapshot(): { neighbours: string[]; storage: { writes: number; transactions: number; writeMs: number } };
    };
    const hive = 'window.hive';
    const receiver = await open();
    const sender = await open();
    await sender.waitForFunction(`${hive}.snapshot().neighbours.length > 0`);
    const usage = () => receiver.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const before = await usage();
    const writesBefore = await receiver.evaluate(() => (window as unknown as { hive: BenchHive }).hive.snapshot().storage);
    const started = Date.now();
    await sender.evaluate(async ({ messages, text }) => {
      const bee = (window as unknown as { hive: BenchHive }).hive;
      // In batches, so the sender's outbox (capped) never fills.
      for (let n = 0; n < messages; n += 100) {
        await Promise.all(Array.from({ length: Math.min(100, messages - n) }, (_, i) => bee.broadcast(`message ${n + i}: ${text}`)));
      }
    }, { messages, text: body(0).slice(11) });
    await receiver.waitForFunction(
      (wanted) => {
        const inbox = (window as unknown as { hive: BenchHive }).hive.inbox() as Array<{ body: string }>;
        return inbox.at(-1)?.body.startsWith(`message ${wanted - 1}:`);
      },
      messages,
      { timeout: 600_000, polling: 500 },
    );
    const elapsedS = (Date.now() - started) / 1000;
    const writesAfter = await receiver.evaluate(() => (window as unknown as { hive: BenchHive }).hive.snapshot().storage);
    const commits = writesAfter.transactions - writesBefore.transactions;
    console.error(`Chromium: ${messages} broadcasts delivered in ${elapsedS.toFixed(1)} s; ${commits} commits at the receiver`);
    const after = await usage();
    const writes = writesAfter.writes - writesBefore.writes;
    return {
      where: `Chromium ${browser.version()}`,
      messages,
      storageBytes: after,
      storageMethod: `navigator.storage.estimate().usage of the receiver's context (was ${before} before the messages)`,
      receiverMsPerMessage: (writesAfter.writeMs - writesBefore.writeMs) / writes,
      inboxKept: await receiver.evaluate(() => (window as unknown as { hive: BenchHive }).hive.inbox().length),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const { values } = parseArgs({ options: { messages: { type: 'string', default: '10000' }, chromium: { type: 'boolean', default: false } } });
const messages = Number(values.messages);
const results = [await fakeIndexedDb(messages)];
if (values.chromium) results.push(await chromium(messages));

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const lines = [
  `| where | messages | storage per bee | inbox kept | receiver ms/message | sender ms/message |`,
  `|---|---:|---:|---:|---:|---:|`,
  ...results.map(
    (r) =>
      `| ${r.where} | ${r.messages} | ${kib(r.storageBytes)} | ${r.inboxKept} | ${r.receiverMsPerMessage.toFixed(3)} | ${r.senderMsPerMessage?.toFixed(3) ?? '–'} |`,
  ),
  '',
  ...results.map((r) => `- ${r.where}: storage = ${r.storageMethod}.`),
];
console.log(lines.join('\n'));
mkdirSync(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `store-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ results, node: process.version }, null, 2));
console.error(`Wrote ${path.relative(ROOT, file)}`);
