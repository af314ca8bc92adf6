// What `window.hive` rejects (or throws) with: a HiveError whose `code` tests and tools can rely
// on, as simple-peer's err-code gives them; the message is for people and may change. Every code
// is listed in docs/api.md.

import { canonicalJson } from './crypto/envelope';
import { MAX_BODY_BYTES, MAX_BODY_DEPTH } from './hive/frames';
import { jsonDepthWithin } from './net/signal-protocol';

export const ERROR_CODES = [
  /** `send(to)` to something that is not a bee id. */
  'ERR_NOT_A_BEE_ID',
  /** A body whose JSON is longer than MAX_BODY_BYTES (UTF-8): it would not fit an envelope, sealed or not. */
  'ERR_BODY_TOO_BIG',
  /** A body nested deeper than MAX_BODY_DEPTH: receivers would drop it. */
  'ERR_BODY_TOO_DEEP',
  /** A body that is not plain JSON (undefined, NaN, a function, a class instance): it cannot be signed. */
  'ERR_BODY_UNSIGNABLE',
  /** The outbox is full of unacknowledged messages; nothing was sent. */
  'ERR_OUTBOX_FULL',
  /** No acknowledgement (or no neighbour to broadcast to) after every retry; the outbox marks it failed. */
  'ERR_NOT_DELIVERED',
  /** This bee was evicted from the colony: nobody takes its messages. */
  'ERR_EVICTED',
  /** This bee left the colony (`leave()`, the page going away): it acts no more. */
  'ERR_LEFT',
  /** `abdicate()` on a bee that is not a queen. */
  'ERR_NOT_QUEEN',
  /** `abdicate()` found no worker to hand the throne to, or none took it in time. */
  'ERR_NO_SUCCESSOR',
  /** `goRogue(kinds)` with a misdeed it does not know. */
  'ERR_NO_SUCH_MISDEED',
  /** `seedUpgrade()` on a bee that is not the colony's founder: nobody would take its config. */
  'ERR_NOT_FOUNDER',
  /** `seedUpgrade()` when the colony already has its last version (MAX_VERSION). */
  'ERR_NO_MORE_VERSIONS',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class HiveError extends Error {
  override readonly name = 'HiveError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Why `body` cannot travel (receivers would drop it, or its signature break), or null when it can. */
export function bodyError(body: unknown): HiveError | null {
  // Checked first: it bounds the work of the checks after it.
  if (!jsonDepthWithin(body, MAX_BODY_DEPTH)) return new HiveError('ERR_BODY_TOO_DEEP', `message body must nest at most ${MAX_BODY_DEPTH} levels deep`);
  let json: string;
  try {
    // What is signed must survive the trip: JSON would turn NaN into null, and the signature break.
    json = canonicalJson(body);
  } catch (err) {
    return new HiveError('ERR_BODY_UNSIGNABLE', `message body cannot be signed: ${(err as Error).message}`);
  }
  // In UTF-8 bytes, as sealing sees it: sealed (a third more, in base64url) the body still fits
  // MAX_PAYLOAD_BYTES, which every receiver holds the signer to.
  const bytes = json.length > MAX_BODY_BYTES ? json.length : new TextEncoder().encode(json).length;
  if (bytes > MAX_BODY_BYTES) return new HiveError('ERR_BODY_TOO_BIG', `message body must be JSON of at most ${MAX_BODY_BYTES} bytes in UTF-8 (got ${bytes})`);
  return null;
}
