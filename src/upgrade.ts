// Colony configs ("upgrades"): what the founder signs, and the check every bee makes before its
// protocol core may see one. Here: is it well formed, for this colony and version, and signed by
// the bee it names? The core then takes it only if that bee is the colony's founder and the
// version is the next one (src/hive/upgrades.ts). A forged or unsigned config never reaches it.

import { canonicalJson, signFields, verifyFields } from './crypto/envelope';
import { base64urlToBytes, bytesToBase64url } from './crypto/encoding';
import { idOf, PUBLIC_KEY_BYTES, type Identity } from './crypto/identity';

/**
 * The colony's settings: one colony, one setting. `colour` is the colour the colony shows; other
 * keys are for settings a later release adds (capacity, queen mode): a bee that does not know
 * them keeps and passes them on as signed.
 */
export interface ColonySettings {
  colour: string;
  [setting: string]: unknown;
}

/** A colony config: its settings and a note from the founder, signed for one colony and version. */
export interface ColonyConfig {
  settings: ColonySettings;
  note: string;
  /** The signer's id, its public key (base64url) and its signature over the rest. */
  by: string;
  pub: string;
  sig: string;
}

/** Colours a seeded upgrade picks from: distinct on the hive map and readable on white. */
export const UPGRADE_COLOURS = ['#b45309', '#1d4ed8', '#047857', '#7c3aed', '#be123c', '#0f766e'] as const;
const COLOUR = /^#[0-9a-f]{6}$/;
const MAX_NOTE = 200;
/** Canonical JSON of the settings: room for a teacher's knobs, and the config fits its frame. */
export const MAX_SETTINGS_BYTES = 1024;

const signed = (colony: string, version: number, settings: ColonySettings, note: string, by: string) => ({ colony, version, settings, note, by });

export function seedConfig(identity: Identity, colony: string, version: number, settings: ColonySettings, note: string): ColonyConfig {
  const by = identity.id;
  return { settings, note, by, pub: bytesToBase64url(identity.publicKey), sig: signFields(identity, 'upgrade', signed(colony, version, settings, note, by)) };
}

function isSettings(value: unknown): value is ColonySettings {
  if (typeof value !== 'object' || value === null) return false;
  // An array or a string has no colour, so this also leaves only objects.
  const { colour } = value as Record<string, unknown>;
  if (typeof colour !== 'string' || !COLOUR.test(colour)) return false;
  try {
    return canonicalJson(value).length <= MAX_SETTINGS_BYTES;
  } catch {
    return false; // nothing JSON can carry and a signature cover
  }
}

/** The config if it is well formed and signed by the bee it names, for this colony and version. */
export function checkConfig(colony: string, version: number, value: Record<string, unknown>): ColonyConfig | null {
  const { settings, note, by, pub, sig } = value;
  if (!isSettings(settings) || typeof note !== 'string' || note.length > MAX_NOTE) return null;
  if (typeof by !== 'string' || typeof pub !== 'string' || typeof sig !== 'string') return null;
  const key = base64urlToBytes(pub, PUBLIC_KEY_BYTES);
  if (!key || idOf(key) !== by) return null;
  return verifyFields(key, 'upgrade', signed(colony, version, settings, note, by), sig) ? { settings, note, by, pub, sig } : null;
}
