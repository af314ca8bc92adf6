// How many passphrase guesses a bee gets. The PAKE (handshake.ts) leaves an outsider one online
// guess per handshake and nothing to test offline; this caps those online guesses: a bee whose
// key confirmation failed GUESSES_ALLOWED times within GUESS_WINDOW_MS is refused without a
// handshake until the oldest of those failures is that old. Pure: the caller passes the time.
//
// Per bee id, and a bee id costs a stranger one key pair: the cap slows a bee that keeps its id
// (a tab retyping its passphrase keeps it across reloads), not one that mints a new id per guess.
// What bounds that one is each guess costing a handshake with a member, which it can only reach
// by the colony's name on the server (derived from the colony key) or a member's id.

import { remember } from '../hive/bounded';

/** Failed guesses a bee may make within the window; a person retyping gets a few tries. */
export const GUESSES_ALLOWED = 5;
export const GUESS_WINDOW_MS = 10 * 60_000;
/** Guessing bees remembered at most (the least recently failed forgotten first). */
const GUESSERS_REMEMBERED = 1000;

export interface GuessLimitOptions {
  allowed?: number;
  windowMs?: number;
  remembered?: number;
}

export class GuessLimit {
  /** Per bee, the times of its latest failed guesses, oldest first, at most `allowed`. */
  private readonly failures = new Map<string, number[]>();
  private readonly allowed: number;
  private readonly windowMs: number;
  private readonly remembered: number;

  constructor(options: GuessLimitOptions = {}) {
    this.allowed = options.allowed ?? GUESSES_ALLOWED;
    this.windowMs = options.windowMs ?? GUESS_WINDOW_MS;
    this.remembered = options.remembered ?? GUESSERS_REMEMBERED;
  }

  /** Counts a failed guess by `bee` at `now`. */
  failed(bee: string, now: number): void {
    const times = [...(this.failures.get(bee) ?? []), now].slice(-this.allowed);
    remember(this.failures, bee, times, this.remembered);
  }

  /** Whether `bee` has used up its guesses for now. */
  exhausted(bee: string, now: number): boolean {
    const times = this.failures.get(bee);
    if (times === undefined) return false;
    if (now - times[times.length - 1]! >= this.windowMs) {
      this.failures.delete(bee);
      return false;
    }
    return times.length >= this.allowed && now - times[0]! < this.windowMs;
  }

  /** Bees remembered (for tests of the bound). */
  get size(): number {
    return this.failures.size;
  }
}
