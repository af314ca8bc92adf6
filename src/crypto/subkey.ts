// The colony key's subkeys (HKDF): each use of the key gets its own, so no byte string serves two
// algorithms. Light (@noble/hashes, which every tab loads anyway), unlike what the subkeys feed
// (passphrase.ts, cpace.ts): an open colony's tab needs only colonyNameOnServer from here.
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToBase64url } from './encoding';

export const COLONY_KEY_BYTES = 32;
// A 32-byte subkey is 43 base64url characters: a colony name the server accepts ([A-Za-z0-9_-]{1,64}).
const SERVER_NAME_INFO = 'hivemesh/v1 colony-name';

export function subkey(colonyKey: Uint8Array, info: string): Uint8Array {
  if (!(colonyKey instanceof Uint8Array) || colonyKey.length !== COLONY_KEY_BYTES) {
    throw new TypeError(`expected a ${COLONY_KEY_BYTES}-byte colony key`);
  }
  return hkdf(sha256, colonyKey, undefined, utf8ToBytes(info), COLONY_KEY_BYTES);
}

/**
 * The name a passphrase colony goes by on the signaling server (for /signal joins, and so for
 * the samples the server hands out): derived from the colony key, so only a bee that typed the
 * passphrase finds the colony, its members and that it exists at all. An open colony keeps its
 * own name. The server sees only this name; telling whether it belongs to a guessed passphrase
 * costs it a full scrypt per guess.
 */
export function colonyNameOnServer(colony: string, colonyKey: Uint8Array | null): string {
  return colonyKey === null ? colony : bytesToBase64url(subkey(colonyKey, SERVER_NAME_INFO));
}
