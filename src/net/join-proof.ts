// How a bee proves its id to the signaling server: the server sends each new socket a fresh random
// nonce; the bee signs {colony, bee, nonce} with the key its id hashes from (purpose `signal`).
// The nonce makes a proof good for that one socket; the colony and the purpose make it good for
// nothing else (not a join elsewhere, not a link handshake or a vote). Shared by the bee
// (signaling-client.ts) and the server (signaling/relay.ts).

import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';
import { signedBytes, signFields } from '../crypto/envelope';
import { idOf, PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verify, type Identity } from '../crypto/identity';

/** Bytes of the server's nonce: unguessable and never repeated. */
export const JOIN_NONCE_BYTES = 32;

export interface JoinProof {
  /** base64url Ed25519 public key; its hash is the bee id. */
  key: string;
  /** base64url signature of joinFields(colony, bee, nonce) for purpose `signal`. */
  proof: string;
}

const joinFields = (colony: string, bee: string, nonce: string) => ({ c: colony, bee, nonce });

export function proveJoin(identity: Identity, colony: string, nonce: string): JoinProof {
  return { key: bytesToBase64url(identity.publicKey), proof: signFields(identity, 'signal', joinFields(colony, identity.id, nonce)) };
}

/** An Ed25519 verification, like identity.ts's verify: total, false on anything malformed. */
export type Verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

/**
 * Whether `key` hashes to `bee` and signed this join over `nonce`. Never throws. The server passes
 * Node's native Ed25519 (signaling/ed25519.ts): about 15 times faster than the pure-JS default.
 */
export function checkJoinProof(colony: string, bee: string, nonce: string, { key, proof }: JoinProof, verifier: Verify = verify): boolean {
  const publicKey = base64urlToBytes(key, PUBLIC_KEY_BYTES);
  const signature = base64urlToBytes(proof, SIGNATURE_BYTES);
  if (publicKey === null || signature === null || idOf(publicKey) !== bee) return false;
  return verifier(publicKey, signedBytes('signal', joinFields(colony, bee, nonce)), signature);
}
