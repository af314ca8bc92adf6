// How long a worker waits on a silent queen before it presumes her dead. It times the gaps
// between her heartbeats on its own link to her and waits a few of the longest recent gaps, so
// the timeout follows what the queen and the machine manage (a loaded machine beats late and gets
// longer) instead of a fixed figure, within [queenTimeoutMinMs, queenTimeoutMs]. A queen whose
// page is hidden (Chromium fires its timers about once a second) says so in her heartbeats, and
// gets the full queenTimeoutMs: a throttled queen is not a dead one.

import type { HiveConfig } from './events';

/** Recent gaps remembered: a stall a few seconds ago still counts. */
const PULSE_GAPS = 8;
/** Gaps needed before they are trusted over the full timeout. */
const PULSE_MIN_GAPS = 3;
/** A queen silent for this many of her longest recent gaps is presumed dead. */
const MISSED_GAPS = 2.5;

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
}
