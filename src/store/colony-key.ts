// Where a tab keeps its colony key between reloads: sessionStorage, per tab and per colony, as
// hex. The passphrase itself is never stored (nor put in the URL): the key is derived from it
// once, when it is typed, and a reload reuses the key instead of asking again or re-running
// scrypt. A new tab starts without it and asks; closing the tab forgets it.

import { bytesToHex, hexToBytesOrNull } from '../crypto/encoding';
import { loadPassphraseCrypto } from '../crypto/passphrase-crypto';
import { COLONY_KEY_BYTES } from '../crypto/subkey';

type Session = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;

const keyName = (colony: string) => `hivemesh.colonyKey.${colony}`;

/** The key this tab derived for `colony`, or null (an open colony, or storage disabled). */
export function loadColonyKey(session: Session, colony: string): Uint8Array | null {
  try {
    return hexToBytesOrNull(session?.getItem(keyName(colony)), COLONY_KEY_BYTES);
  } catch {
    return null;
  }
}

/** Keeps `key` for `colony` in this tab; false where storage is disabled (it then lasts this page only). */
export function saveColonyKey(session: Session, colony: string, key: Uint8Array): boolean {
  try {
    session?.setItem(keyName(colony), bytesToHex(key));
    return session !== null;
  } catch {
    return false;
  }
}

export function forgetColonyKey(session: Session, colony: string): void {
  try {
    session?.removeItem(keyName(colony));
  } catch {
    // storage disabled: nothing kept
  }
}

/**
 * Derives the key for `passphrase` in `colony` (scrypt: about a quarter of a second here, longer
 * on a phone) and keeps it for this tab. Throws RangeError for an empty or overlong passphrase.
 */
export async function keepPassphrase(session: Session, colony: string, passphrase: string): Promise<boolean> {
  const { deriveColonyKey } = await loadPassphraseCrypto();
  return saveColonyKey(session, colony, await deriveColonyKey(passphrase, colony));
}
