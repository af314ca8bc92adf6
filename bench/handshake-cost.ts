// A link handshake's crypto, warm, both ends in one thread: the same code measured in node and,
// bundled, in a Chromium page from the LAN origin (bench/handshake.ts). Best of several rounds.
import { createIdentity } from '../src/crypto/identity.ts';
import { loadPassphraseCrypto } from '../src/crypto/passphrase-crypto.ts';
import { LinkHandshake, type LinkSecrets } from '../src/link/handshake.ts';

const WARMUP_HANDSHAKES = 30;
const ROUNDS = 5;
const ROUND_MS = 1000;

export interface HandshakeCost {
  /** Milliseconds for a whole handshake, both ends (hello, proof, check on each). */
  openMs: number;
  passphraseMs: number;
  secureContext: boolean;
}

function handshake(mine: LinkSecrets, theirs: LinkSecrets): void {
  const a = new LinkHandshake(mine, theirs.identity.id);
  const b = new LinkHandshake(theirs, mine.identity.id);
  const [toB, toA] = [a.receive(b.hello), b.receive(a.hello)];
  if (!('send' in toB && 'send' in toA && 'authenticated' in a.receive(toA.send) && 'authenticated' in b.receive(toB.send))) {
    throw new Error('the benchmark handshake should succeed');
  }
}

function best(run: () => void): number {
  for (let i = 0; i < WARMUP_HANDSHAKES; i++) run();
  let bestMs = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    let done = 0;
    while (performance.now() - start < ROUND_MS) {
      run();
      done++;
    }
    bestMs = Math.min(bestMs, (performance.now() - start) / done);
  }
  return bestMs;
}

export async function handshakeCost(): Promise<HandshakeCost> {
  // As Bee.start does in a passphrase colony.
  await loadPassphraseCrypto();
  const [a, b] = [createIdentity(), createIdentity()];
  const colonyKey = new Uint8Array(32).fill(7);
  const ends = (key: Uint8Array | null): [LinkSecrets, LinkSecrets] => [
    { identity: a, colony: 'bench', colonyKey: key },
    { identity: b, colony: 'bench', colonyKey: key },
  ];
  return {
    openMs: best(() => handshake(...ends(null))),
    passphraseMs: best(() => handshake(...ends(colonyKey))),
    secureContext: globalThis.isSecureContext ?? false,
  };
}
