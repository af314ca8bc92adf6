// What a bee signs: a domain-separated, canonical byte string for a JSON-able object, so signer
// and verifier derive the same bytes from the same fields, and a signature made for one purpose
// (a vote, say) never verifies as another (an eviction).
//
// Signed bytes = UTF-8 of `hivemesh/v1\n<purpose>\n<canonical JSON of fields>`.
// Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers and strings as
// JSON.stringify writes them (ECMAScript fixes both exactly). It follows JSON's own rules for
// `undefined` (dropped from objects, null in arrays), so the fields a receiver parses off the wire
// canonicalize to the same bytes the sender signed. What JSON cannot carry faithfully (NaN,
// Infinity, bigint, functions, symbols, Dates, typed arrays, class instances, cycles) is refused.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlToBytes, bytesToBase64url } from './encoding';
import { SIGNATURE_BYTES, sign, verify, type Identity } from './identity';

const DOMAIN = 'hivemesh/v1';
// Deeper nesting is refused: bounds the recursion on hostile input (and catches cycles).
const MAX_DEPTH = 16;

/**
 * What a signature is for; one purpose's signatures never verify for another. `envelope` covers
 * every envelope a bee originates, whatever its payload kind (the kind is among the signed
 * fields); `link` is the link handshake; `signal` is a join at the signaling server; the others
 * are for standalone signed objects.
 */
export const PURPOSES = ['envelope', 'data', 'vote', 'queen', 'evict', 'upgrade', 'link', 'signal'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Canonical JSON of `value` (see above); throws TypeError on anything JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  return encode(value, 0);
}

function encode(value: unknown, depth: number): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  if (depth >= MAX_DEPTH) throw new TypeError(`canonicalJson: nested deeper than ${MAX_DEPTH}`);
  if (Array.isArray(value)) {
    // Array.from visits holes too, as undefined, so sparse arrays come out as JSON writes them.
    return `[${Array.from(value, (item: unknown) => (item === undefined ? 'null' : encode(item, depth + 1))).join(',')}]`;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError('canonicalJson: only plain objects and arrays can be encoded');
  }
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${encode(item, depth + 1)}`).join(',')}}`;
}

/** The exact bytes signed for `fields` under `purpose`. */
export function signedBytes(purpose: Purpose, fields: object): Uint8Array {
  return utf8ToBytes(`${DOMAIN}\n${purpose}\n${canonicalJson(fields)}`);
}

/**
 * The base64url signature of `fields` for `purpose`. The fields must not contain the signature
 * itself, and should name the signer and something fresh (term, sequence number), since the
 * envelope proves integrity and purpose, not freshness. Throws on fields JSON cannot carry.
 */
export function signFields(identity: Pick<Identity, 'secretKey'>, purpose: Purpose, fields: object): string {
  return bytesToBase64url(sign(identity.secretKey, signedBytes(purpose, fields)));
}

/** Whether `signature` is `publicKey`'s signature of `fields` for `purpose`. Never throws. */
export function verifyFields(publicKey: Uint8Array, purpose: Purpose, fields: object, signature: unknown): boolean {
  if (!(PURPOSES as readonly unknown[]).includes(purpose)) return false;
  const signatureBytes = base64urlToBytes(signature, SIGNATURE_BYTES);
  if (signatureBytes === null) return false;
  let bytes: Uint8Array;
  try {
    bytes = signedBytes(purpose, fields);
  } catch {
    return false;
  }
  return verify(publicKey, bytes, signatureBytes);
}
