// How fast an honest bee hands its own messages to the protocol. A queen evicts a bee that
// originates more than CONDUCT_LIMITS.floodEnvelopes in a window (eviction.ts); an honest driver
// stays far below whatever its page asks for: messages wait in the outbox instead. Pure: time is
// a parameter.

export interface Pace {
  /** Messages started per second, sustained… */
  perS: number;
  /** …and at once after a quiet spell. */
  burst: number;
  /**
   * Unacknowledged messages at once. Each is retransmitted every ackTimeoutMs until acknowledged,
   * so this bounds retransmissions (64 every 2 s: 32 a second) when a recipient has gone.
   */
  maxInFlight: number;
}

export const DEFAULT_PACE: Pace = { perS: 50, burst: 100, maxInFlight: 64 };

export class Pacer {
  private tokens: number;
  private at = -Infinity;

  constructor(private readonly pace: Pace = DEFAULT_PACE) {
    this.tokens = pace.burst;
  }

  /** Whether one more message may start now, with `inFlight` still unacknowledged; takes a token if so. */
  take(now: number, inFlight: number): boolean {
    if (this.at !== -Infinity) this.tokens = Math.min(this.pace.burst, this.tokens + (Math.max(0, now - this.at) / 1000) * this.pace.perS);
    this.at = Math.max(this.at, now);
    if (inFlight >= this.pace.maxInFlight || this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
