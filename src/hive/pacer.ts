// How fast an honest bee hands its own messages to the protocol. A queen evicts a bee that
// originates more than CONDUCT_LIMITS.floodEnvelopes, or more than floodBytes of payload, in a
// window (eviction.ts); an honest driver stays below both whatever its page asks for: messages
// wait in the outbox instead. Counting bytes as well as messages lets a bee stream small
// messages at data-channel rates while big ones are held to the same load on the queen.
// Pure: time is a parameter.

export interface Pace {
  /** Messages started per second, sustained… */
  perS: number;
  /** …and at once after a quiet spell. */
  burst: number;
  /** Payload bytes started per second, sustained… */
  bytesPerS: number;
  /** …and at once after a quiet spell (at least one payload of the largest size). */
  burstBytes: number;
  /**
   * Unacknowledged messages at once. Each is retransmitted every ackTimeoutMs until acknowledged,
   * so this bounds retransmissions (64 every 2 s: 32 a second) when a recipient has gone.
   */
  maxInFlight: number;
}

/**
 * Within CONDUCT_LIMITS with room for retransmissions: in any 2 s, at most a burst, 2 s of pace and
 * two rounds of 64 retransmissions: 1,328 messages (limit 2,000) and 6.75 MiB (limit 8 MiB).
 */
export const DEFAULT_PACE: Pace = { perS: 500, burst: 200, bytesPerS: 2 * 1024 * 1024, burstBytes: 1024 * 1024, maxInFlight: 64 };

/** A message id's length on the wire (16 hex digits), for a message the protocol will name. */
const MSG_ID_CHARS = 16;

/** The payload bytes a queen's flood limit counts for a data message (eviction.ts). */
export const dataPayloadBytes = (body: unknown, msg = '0'.repeat(MSG_ID_CHARS)): number => JSON.stringify({ k: 'data', msg, body }).length;

/** A bucket that refills at `perS` up to `cap`. */
class Bucket {
  private level: number;

  constructor(
    private readonly perS: number,
    private readonly cap: number,
  ) {
    this.level = cap;
  }

  refill(elapsedMs: number): void {
    this.level = Math.min(this.cap, this.level + (elapsedMs / 1000) * this.perS);
  }

  holds(amount: number): boolean {
    return this.level >= amount;
  }

  take(amount: number): void {
    this.level -= amount;
  }
}

export class Pacer {
  private readonly messages: Bucket;
  private readonly bytes: Bucket;
  private readonly maxInFlight: number;
  private at = -Infinity;

  constructor(pace: Pace = DEFAULT_PACE) {
    this.messages = new Bucket(pace.perS, pace.burst);
    this.bytes = new Bucket(pace.bytesPerS, pace.burstBytes);
    this.maxInFlight = pace.maxInFlight;
  }

  /**
   * Whether one more message of `bytes` payload may start now, with `inFlight` still
   * unacknowledged; takes its share of both buckets if so.
   */
  take(now: number, inFlight: number, bytes = 0): boolean {
    if (this.at !== -Infinity) {
      const elapsedMs = Math.max(0, now - this.at);
      this.messages.refill(elapsedMs);
      this.bytes.refill(elapsedMs);
    }
    this.at = Math.max(this.at, now);
    if (inFlight >= this.maxInFlight || !this.messages.holds(1) || !this.bytes.holds(bytes)) return false;
    this.messages.take(1);
    this.bytes.take(bytes);
    return true;
  }
}
