// `npx tsx bench/join-proof.ts`: what proving a join costs (src/net/join-proof.ts): signing in
// Chromium (the bee, in pure JS), and checking on the server, in pure JS and natively (Node's
// OpenSSL, which the server uses). Prints one JSON line.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { createIdentity } from '../src/crypto/identity.ts';
import { checkJoinProof, proveJoin } from '../src/net/join-proof.ts';
import { verifyNative } from '../signaling/ed25519.ts';
import { chromiumArgs, chromiumPath } from '../scripts/chromium.ts';

const ROUNDS = 300;
const NONCE = 'n'.repeat(43);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds per call of `run`, median of 5 batches of ROUNDS / 5. */
function timed(run: (i: number) => void): number {
  const batches: number[] = [];
  for (let b = 0; b < 5; b++) {
    const started = performance.now();
    for (let i = 0; i < ROUNDS / 5; i++) run(b * (ROUNDS / 5) + i);
    batches.push((performance.now() - started) / (ROUNDS / 5));
  }
  return median(batches);
}

const dir = mkdtempSync(path.join(tmpdir(), 'join-proof-'));
const bundle = path.join(dir, 'join-proof.js');
execFileSync(path.resolve('node_modules/.bin/esbuild'), ['src/net/join-proof.ts', '--bundle', '--format=iife', '--global-name=joinProof', `--outfile=${bundle}`, '--log-level=warning']);
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs([]) });
const page = await browser.newPage();
await page.addScriptTag({ content: readFileSync(bundle, 'utf8') });
const chromiumSignMs = await page.evaluate(
  ([rounds, nonce]) => {
    const jp = (window as unknown as { joinProof: { proveJoin: (identity: unknown, colony: string, nonce: string) => unknown } }).joinProof;
    // A fixed identity-shaped key: the cost is the signature's, not the key's.
    const secretKey = crypto.getRandomValues(new Uint8Array(32));
    const identity = { id: '0'.repeat(32), publicKey: new Uint8Array(32), secretKey };
    for (let i = 0; i < 20; i++) jp.proveJoin(identity, 'demo', nonce); // warm up
    const started = performance.now();
    for (let i = 0; i < rounds; i++) jp.proveJoin(identity, 'demo', nonce);
    return (performance.now() - started) / rounds;
  },
  [ROUNDS, NONCE] as const,
);
await browser.close();

const identities = Array.from({ length: ROUNDS }, () => createIdentity());
const proofs = identities.map((identity) => proveJoin(identity, 'demo', NONCE));
const nodeSignMs = timed((i) => proveJoin(identities[i]!, 'demo', NONCE));
const nobleVerifyMs = timed((i) => checkJoinProof('demo', identities[i]!.id, NONCE, proofs[i]!));
const nativeVerifyMs = timed((i) => checkJoinProof('demo', identities[i]!.id, NONCE, proofs[i]!, verifyNative));
const round = (ms: number) => Math.round(ms * 1000) / 1000;
console.log(
  JSON.stringify({
    bench: 'join-proof',
    chromiumSignMs: round(chromiumSignMs),
    nodeSignMs: round(nodeSignMs),
    serverVerifyMs: { noble: round(nobleVerifyMs), native: round(nativeVerifyMs) },
  }),
);
