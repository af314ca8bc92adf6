// The simulator's notary: a seal is a keyed 32-bit hash of the bee and the canonical statement,
// cheap enough for 10,000 bees and deterministic for replays. It stands in for Ed25519 as the
// simulator's bees are honest: a forger (a test) that does not use the world's key gets a seal
// that does not verify, which is all the protocol relies on.

import { canonicalJson } from '../crypto/envelope';
import type { Notary, Seal, Statement } from '../hive/certificate';

/** FNV-1a over the text, as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const sign = (key: number, bee: string, statement: Statement): string => fnv1a(`${key}\n${bee}\n${canonicalJson(statement)}`);

/** The notary of `bee` in a world whose secret is `key`. */
export function simNotary(bee: string, key: number): Notary {
  return {
    seal: (statement): Seal => ({ bee, pub: bee, sig: sign(key, bee, statement) }),
    verify: (statement, seal) => seal.pub === seal.bee && seal.sig === sign(key, seal.bee, statement),
  };
}
