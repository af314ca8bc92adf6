// The tab's notary: statements sealed with the bee's Ed25519 identity (@noble, so it works in an
// insecure context too), under a purpose of their own — a ballot's signature never verifies as a
// queen's word, nor as an envelope. Anyone can check a seal: its key must hash to the bee it names.

import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';
import { signFields, verifyFields, type Purpose } from '../crypto/envelope';
import { idOf, PUBLIC_KEY_BYTES, type Identity } from '../crypto/identity';
import type { Notary, Seal, Statement } from '../hive/certificate';

const purposeOf = (statement: Statement): Purpose => (statement.k === 'ballot' ? 'vote' : 'queen');

export function identityNotary(identity: Identity): Notary {
  const pub = bytesToBase64url(identity.publicKey);
  return {
    seal: (statement): Seal => ({ bee: identity.id, pub, sig: signFields(identity, purposeOf(statement), statement) }),
    verify: (statement, seal) => {
      const key = base64urlToBytes(seal.pub, PUBLIC_KEY_BYTES);
      return key !== null && idOf(key) === seal.bee && verifyFields(key, purposeOf(statement), statement, seal.sig);
    },
  };
}
