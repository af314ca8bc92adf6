// The pair keys one bee holds (crypto/pair-key.ts), and the public keys it learnt to make them
// from. A public key is learnt from any envelope whose key hashes to its `from`: the bee id is the
// key's hash, so nobody can pass off another key under that id, whether or not anything checked
// the envelope's signature. Bounded like every map a stranger can make grow.

import { base64urlToBytes } from '../crypto/encoding';
import { PUBLIC_KEY_BYTES, type Identity } from '../crypto/identity';
import { pairKey } from '../crypto/pair-key';
import { remember } from '../hive/bounded';

/** Bees whose keys are kept; the least recently used is forgotten first. */
const PAIR_KEYS_KEPT = 1024;

export class PairKeys {
  /** Base64url public keys, by bee id (each one checked to hash to its id by the caller). */
  private readonly publicKeys = new Map<string, string>();
  private readonly keys = new Map<string, Uint8Array | null>();

  constructor(
    private readonly identity: Identity,
    private readonly colony: string,
  ) {}

  /** `pub` is `bee`'s key: its caller checked that it hashes to `bee`. */
  learn(bee: string, pub: string): void {
    if (this.publicKeys.get(bee) !== pub) remember(this.publicKeys, bee, pub, PAIR_KEYS_KEPT);
  }

  /** The key shared with `bee`, or null while this bee does not know `bee`'s public key. */
  with(bee: string): Uint8Array | null {
    const cached = this.keys.get(bee);
    if (cached !== undefined) return cached;
    const pub = this.publicKeys.get(bee);
    if (pub === undefined) return null;
    const publicKey = base64urlToBytes(pub, PUBLIC_KEY_BYTES);
    const key = publicKey && pairKey(this.identity, publicKey, this.colony);
    remember(this.keys, bee, key, PAIR_KEYS_KEPT);
    return key;
  }
}
