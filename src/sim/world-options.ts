// The knobs of a simulated world (world.ts): its seed, its network's latency and loss, how its
// bees' timers and storage misbehave, and the rules and config every bee runs by.

import type { ElectionRules } from '../hive/election';
import type { HiveConfig } from '../hive/protocol';

export interface WorldOptions {
  seed: number;
  /** One-way latency range in ms. */
  latencyMs?: [number, number];
  /** Probability that a frame is lost in flight (links are reliable in reality; this is stress). */
  loss?: number;
  tickMs?: number;
  /**
   * Each tick comes up to this much late (uniform), as a busy machine fires a tab's timers: a
   * queen's beats then arrive unevenly and her workers time her by different gaps. Default 0.
   */
  tickJitterMs?: number;
  config?: Partial<HiveConfig>;
  /** Election rules every bee runs by (tests swap in broken ones). */
  rules?: ElectionRules;
  /** Probability that a bee's persist write fails (storage full, private mode, a crash mid-write). */
  storageFailRate?: number;
  /**
   * Test-only (the driver's option of the same name): false is a broken driver that casts votes
   * before they are on disk, so that tests can see the checker catch it. Default true.
   */
  framesWaitForWrites?: boolean;
  /**
   * Bees are the app's tabs (bee.ts): they decline an offer before a connection is built (the dialler
   * hears it refused, as over simple-peer) and run the teacher's console (src/tab/classroom.ts).
   * Default false: bare protocols, whose links open first and are judged once open.
   */
  tabs?: boolean;
}
