// Colony configs ("upgrades"): what the seeder signs, and the check every bee makes before its
// protocol core may adopt one. The core only compares versions; whether a config is genuine is
// decided here, where the crypto lives. A forged or unsigned config never reaches the core.

import { signFields, verifyFields } from './crypto/envelope';
import { base64urlToBytes, bytesToBase64url } from './crypto/encoding';
import { idOf, PUBLIC_KEY_BYTES, type Identity } from './crypto/identity';

/** What a colony config says: the colour the colony shows and a note from its seeder. */
export interface ColonyConfig {
  colour: string;
  note: string;
  /** The seeder's id, its public key (base64url) and its signature over the rest. */
  by: string;
  pub: string;
  sig: string;
}

/** Colours a seeded upgrade picks from: distinct on the hive map and readable on white. */
export const UPGRADE_COLOURS = ['#b45309', '#1d4ed8', '#047857', '#7c3aed', '#be123c', '#0f766e'] as const;
const COLOUR = /^#[0-9a-f]{6}$/;
const MAX_NOTE = 200;

const signed = (colony: string, version: number, colour: string, note: string, by: string) => ({ colony, version, colour, note, by });

export function seedConfig(identity: Identity, colony: string, version: number, colour: string, note: string): ColonyConfig {
  const by = identity.id;
  return { colour, note, by, pub: bytesToBase64url(identity.publicKey), sig: signFields(identity, 'upgrade', signed(colony, version, colour, note, by)) };
}

/** The config if it is well formed and signed by the bee it names for this colony and version. */
export function checkConfig(colony: string, version: number, value: Record<string, unknown>): ColonyConfig | null {
  const { colour, note, by, pub, sig } = value;
  if (typeof colour !== 'string' || !COLOUR.test(colour) || typeof note !== 'string' || note.length > MAX_NOTE) return null;
  if (typeof by !== 'string' || typeof pub !== 'string' || typeof sig !== 'string') return null;
  const key = base64urlToBytes(pub, PUBLIC_KEY_BYTES);
  if (!key || idOf(key) !== by) return null;
  return verifyFields(key, 'upgrade', signed(colony, version, colour, note, by), sig) ? { colour, note, by, pub, sig } : null;
}
