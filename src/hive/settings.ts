// The colony's settings a bee runs by, read from the config its founder signed (upgrades.ts
// checks whose it is): one colony, one setting. A bee's URL only sets what it runs before it
// has a config; a later config overrides it. Values out of range are ignored, not trusted.

import type { HiveConfig, Upgrade } from './events';
import { MAX_HIVE_WORKERS } from './frames';

/** The knobs a colony config may set, as the founder signs them under `settings`. */
export interface Knobs {
  /** Workers one queen takes. */
  capacity?: number;
  /** False keeps the colony in discovery mode: nobody campaigns. */
  queens?: boolean;
}

const isCapacity = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_HIVE_WORKERS;

/** The knobs `upgrade` sets, the ones it leaves out or gets wrong left out. */
export function knobsOf(upgrade: Upgrade | null): Knobs {
  const settings = upgrade?.config.settings;
  if (typeof settings !== 'object' || settings === null) return {};
  const { capacity, queens } = settings as Record<string, unknown>;
  return { ...(isCapacity(capacity) ? { capacity } : {}), ...(typeof queens === 'boolean' ? { queens } : {}) };
}

/** Runs `config` by the colony config's knobs from now on (a queen over the new capacity breeds). */
export function applyKnobs(config: HiveConfig, upgrade: Upgrade | null): void {
  const knobs = knobsOf(upgrade);
  if (knobs.capacity !== undefined) config.capacity = knobs.capacity;
  if (knobs.queens !== undefined) config.elections = knobs.queens;
}
