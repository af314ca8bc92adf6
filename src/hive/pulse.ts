// How long a worker waits on a silent queen before it presumes her dead. It times the gaps
// between her heartbeats on its own link to her and waits a few of the longest recent gaps, so
// the timeout follows what the queen and the machine manage (a loaded machine beats late and gets
// longer) instead of a fixed figure, within [queenTimeoutMinMs, queenTimeoutMs]. A queen whose
// page is hidden (Chromium fires its timers about once a second) says so in her heartbeats, and
// gets the full queenTimeoutMs: a throttled queen is not a dead one.
//
// A worker doubts her sooner than it gives her up: after DOUBT_SHARE of its timeout (never less
// than the floor), her heir gives her up and campaigns, and the others side with a member that
// campaigns. The straw poll is SWIM's indirect check: the others are asked whether she beat, and
// only a majority that did not hear her either lets the election go on. So her hive moves on
// when her heir and a majority doubt her, not when each worker's own timeout ran out, one by
// one; a worker cut off from her alone still finds nobody to side with it.

import type { HiveConfig } from './events';

/** Recent gaps remembered: a stall a few seconds ago still counts. */
const PULSE_GAPS = 8;
/** Gaps needed before they are trusted over the full timeout. */
const PULSE_MIN_GAPS = 3;
/** A queen silent for this many of her longest recent gaps is presumed dead. */
const MISSED_GAPS = 2.5;
/** The share of its timeout after which a worker doubts her. */
const DOUBT_SHARE = 0.6;

export class Pulse {
  private lastAt = Number.NaN;
  private readonly gaps: number[] = [];
  private hidden = false;

  /** A heartbeat of hers arrived on our link to her, saying whether her page is visible. */
  beat(now: number, visible: boolean): void {
    if (!Number.isNaN(this.lastAt) && now > this.lastAt) {
      this.gaps.push(now - this.lastAt);
      if (this.gaps.length > PULSE_GAPS) this.gaps.shift();
    }
    this.lastAt = now;
    this.hidden = !visible;
  }

  /** How long a silence of hers means she is dead. */
  timeoutMs(config: Pick<HiveConfig, 'queenTimeoutMs' | 'queenTimeoutMinMs'>): number {
    if (this.hidden || this.gaps.length < PULSE_MIN_GAPS) return config.queenTimeoutMs;
    const measured = MISSED_GAPS * Math.max(...this.gaps);
    return Math.min(config.queenTimeoutMs, Math.max(config.queenTimeoutMinMs, measured));
  }

  /**
   * How long a silence of hers makes this bee doubt her (her heir campaigns, the others side with
   * a candidate). A queen whose beats are not timed yet (just elected) is doubted after a share of
   * the full timeout once a heartbeat said she is visible; a hidden one, or one not heard yet, only
   * after all of it.
   */
  doubtMs(config: Pick<HiveConfig, 'queenTimeoutMs' | 'queenTimeoutMinMs'>): number {
    const timeout = this.timeoutMs(config);
    if (this.hidden || Number.isNaN(this.lastAt)) return timeout;
    return Math.max(config.queenTimeoutMinMs, Math.round(DOUBT_SHARE * timeout));
  }
}
