// Frames a fuzzer writes on a link to a bee: random bytes and text, JSON of every shape, frames of
// the right kind with fields of the wrong type, oversized and deeply nested ones, and well-formed
// frames about bees that do not exist. fast-check arbitraries, so one seed replays a run; used by
// the in-memory fuzz test and by the real-tab sample in e2e/.

import fc from 'fast-check';
import { MAX_FRAME_BYTES } from '../net/transport';
import { MAX_BODY_DEPTH, MAX_HOPS } from '../hive/frames';

export type LinkFuzzKind = 'bytes' | 'text' | 'json' | 'wrong-types' | 'oversized' | 'deep' | 'valid-looking';

export interface LinkFuzzFrame {
  kind: LinkFuzzKind;
  raw: string;
}

const hexId = fc.string({ minLength: 16, maxLength: 16, unit: fc.constantFrom(...'0123456789abcdef') });
/** Terms a colony could plausibly be at. A bee claiming a term far beyond is an insider's attack, not noise. */
const term = fc.nat({ max: 1000 });
/** A hive's membership naming bees that do not exist (or honest ones), and seals nobody made. */
const membership = fc.record({
  hive: hexId,
  term,
  epoch: fc.nat({ max: 50 }),
  members: fc.uniqueArray(hexId, { minLength: 1, maxLength: 5 }).map((bees) => bees.sort()),
});
const base64url = fc.string({ minLength: 4, maxLength: 86, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') });
const seal = fc.record({ bee: hexId, pub: base64url, sig: base64url });
const anything = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.integer(), fc.double(), fc.constant(undefined));

/**
 * A frame for a link from `self` (the fuzzer) to honest bees `honest`. Well-formed frames name
 * bees that do not exist as their origin (forging an honest origin is the security tests' job),
 * and may be addressed to honest bees.
 */
export function linkFrameArbitrary(self: string, honest: readonly string[]): fc.Arbitrary<LinkFuzzFrame> {
  const frame = (kind: LinkFuzzKind) => (raw: string): LinkFuzzFrame => ({ kind, raw });
  const target = fc.oneof(fc.constantFrom(...honest), hexId, fc.constant(null));
  const payload = fc.oneof(
    fc.record({ k: fc.constant('data'), msg: hexId, body: fc.jsonValue({ maxDepth: 3 }).filter((b) => b !== null) }),
    fc.record({ k: fc.constant('ack'), msg: hexId }),
    fc.record({ k: fc.constant('elect'), term, pre: fc.boolean(), membership, seal: fc.oneof(fc.constant(null), seal) }),
    fc.record({ k: fc.constant('vote'), term, pre: fc.boolean(), ballot: fc.oneof(fc.constant(null), seal) }),
    fc.record({ k: fc.constant('queen'), term, membership, authority: fc.record({ by: fc.constant('votes'), ballots: fc.array(seal, { maxLength: 4 }) }) }),
    fc.record({ k: fc.constant('members'), membership, seal }),
    fc.record({ k: fc.constant('stored'), hive: hexId, term, epoch: fc.nat({ max: 50 }) }),
    fc.record({ k: fc.constant('later'), term }),
  );
  const envelope = fc.record({
    t: fc.constant('env'),
    id: hexId,
    from: hexId,
    to: target,
    ttl: fc.nat({ max: MAX_HOPS }),
    route: fc.array(hexId, { maxLength: 4 }).map((hops) => [...hops, self]),
    p: payload,
  });
  const heartbeat = fc.record({
    t: fc.constant('hb'),
    digest: fc.array(fc.tuple(hexId, fc.nat()), { maxLength: 20 }),
    term,
    queen: fc.oneof(fc.constant(null), hexId),
    hive: fc.oneof(fc.constant(null), hexId),
    uptimeMs: fc.nat(),
    visible: fc.boolean(),
  });
  return fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 600 }).map((bytes) => frame('bytes')(new TextDecoder().decode(bytes))) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 400 }).map(frame('text')) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => frame('json')(JSON.stringify(v))) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.oneof(heartbeat, envelope), fc.constantFrom('t', 'id', 'from', 'to', 'ttl', 'route', 'p', 'digest', 'term', 'queen', 'k', 'msg'), anything)
        .map(([valid, field, value]) => {
          // One field swapped for a value of any type: mostly a wrong type, sometimes still valid.
          const target = field === 'k' || field === 'msg' ? (valid as { p?: Record<string, unknown> }).p ?? valid : valid;
          (target as Record<string, unknown>)[field] = value;
          return frame('wrong-types')(JSON.stringify(valid));
        }),
    },
    { weight: 1, arbitrary: fc.integer({ min: MAX_FRAME_BYTES + 1, max: 4 * MAX_FRAME_BYTES }).map((n) => frame('oversized')('{"t":"bye"}'.padEnd(n))) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hexId, hexId, fc.integer({ min: MAX_BODY_DEPTH + 1, max: 5000 }))
        .map(([id, msg, depth]) =>
          frame('deep')(`{"t":"env","id":"${id}","from":"${id}","to":null,"ttl":3,"route":["${self}"],"p":{"k":"data","msg":"${msg}","body":${'['.repeat(depth)}${']'.repeat(depth)}}}`),
        ),
    },
    {
      weight: 6,
      arbitrary: fc
        .oneof({ weight: 6, arbitrary: envelope }, { weight: 3, arbitrary: heartbeat }, { weight: 1, arbitrary: fc.constant({ t: 'bye' }) })
        .map((f) => frame('valid-looking')(JSON.stringify(f))),
    },
  );
}
