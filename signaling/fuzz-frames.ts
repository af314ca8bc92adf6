// What the signaling fuzz test throws at the server, and what the server must answer. Frames come
// from fast-check arbitraries (so a seed replays them); the answers come from a small model of the
// wire protocol written from its rules, not from the server's own parser.

import fc from 'fast-check';
import type { Identity } from '../src/crypto/identity';
import type { SignalErrorCode } from '../src/net/signal-protocol';
import type { Limits } from './limits';
import { joinFrame } from './test-bee';

/** One frame as sent: its category, the bytes, and whether it goes out as a binary frame. */
export interface FuzzFrame {
  kind: FrameKind;
  data: string | Buffer;
  binary: boolean;
  /** For joins: the frame answering the socket's challenge nonce (then `data` is unused). */
  sign?: (nonce: string) => string;
  /** For 'signal-honest': which honest bee it is for. */
  to?: string;
  /** For 'join': the colony. */
  colony?: string;
}

export type FrameKind =
  | 'binary'
  | 'bad-utf8'
  | 'text'
  | 'non-object'
  | 'random-object'
  | 'bad-join'
  | 'bad-signal'
  | 'deep-signal'
  | 'oversized'
  | 'giant'
  | 'join'
  /** A well-formed join whose proof fails: a key not of the bee, or signed over another nonce or colony. */
  | 'forged-join'
  | 'sample'
  | 'signal-honest'
  | 'signal-unknown';

/** What the server sends back for one frame. 'relayed' sends nothing back to the sender. */
export type Answer = { error: SignalErrorCode } | 'welcome' | 'sample' | 'relayed';

/** The model's verdict on a whole socket: every answer in order, and how the server closes it. */
export interface Expected {
  answers: Answer[];
  /** null: the server keeps the socket open. */
  close: number | null;
  /** Honest bee → signals it must receive from this socket. */
  relayed: Map<string, number>;
}

const VALID_TYPES = new Set(['join', 'signal', 'sample']);
const isValidLooking = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && VALID_TYPES.has((value as { type?: unknown }).type as string);
  } catch {
    return false;
  }
};

const text = (kind: FrameKind, data: string, to?: string): FuzzFrame => ({ kind, data, binary: false, ...(to ? { to } : {}) });

/** Bee ids the signaling wire rejects: wrong case, length, alphabet or type. */
const badBeeId = fc.oneof(
  fc.string({ maxLength: 7, unit: fc.constantFrom(...'0123456789abcdef') }),
  fc.string({ minLength: 65, maxLength: 80, unit: fc.constantFrom(...'0123456789abcdef') }),
  fc.string({ minLength: 8, maxLength: 64, unit: fc.constantFrom(...'ABCDEFXYZ-_ ') }),
  fc.integer(),
  fc.constant(null),
  fc.array(fc.constant('aaaaaaaa'), { maxLength: 2 }),
);

const badColony = fc.oneof(
  fc.constant(''),
  fc.string({ minLength: 65, maxLength: 70, unit: fc.constantFrom('a', 'b') }),
  fc.string({ minLength: 1, maxLength: 10, unit: fc.constantFrom(' ', '/', '.', 'é', '\u0000', '?') }),
  fc.integer(),
  fc.boolean(),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
);

const colonyName = fc.string({ minLength: 1, maxLength: 64, unit: fc.constantFrom(...'abcXYZ019_-') });

/** JSON of arrays or objects nested `depth` deep around a 0, written directly (stringify would overflow). */
const nested = (depth: number, objects: boolean): string =>
  objects ? `${'{"d":'.repeat(depth)}0${'}'.repeat(depth)}` : `${'['.repeat(depth)}0${']'.repeat(depth)}`;

/** A join of `colony` by a fresh identity, signed when its socket's nonce is known. */
export const signedJoin = (colony: string, freshIdentity: () => Identity): FuzzFrame => {
  let identity: Identity | null = null;
  return { kind: 'join', data: '', binary: false, colony, sign: (nonce) => JSON.stringify(joinFrame(colony, (identity ??= freshIdentity()), nonce)) };
};

const FORGERIES = ['key', 'nonce', 'colony'] as const;

/** A join of `colony` that fails its proof in the way `forgery` says. */
const forgedJoin = (colony: string, forgery: (typeof FORGERIES)[number], freshIdentity: () => Identity): FuzzFrame => ({
  kind: 'forged-join',
  data: '',
  binary: false,
  sign: (nonce) => {
    const bee = freshIdentity();
    if (forgery === 'key') return JSON.stringify({ ...joinFrame(colony, freshIdentity(), nonce), bee: bee.id });
    if (forgery === 'nonce') return JSON.stringify(joinFrame(colony, bee, nonce.split('').reverse().join('')));
    return JSON.stringify({ ...joinFrame(`${colony}-elsewhere`, bee, nonce), colony });
  },
});

/**
 * Frames for one fuzz socket. `honest` are the bees that must receive valid signals;
 * `freshIdentity` yields a new identity for each join, so no join takes over another socket's bee.
 */
export function frameArbitrary(honest: readonly string[], honestColony: string, freshIdentity: () => Identity, limits: Limits): fc.Arbitrary<FuzzFrame> {
  const honestId = fc.constantFrom(...honest);
  return fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ kind: 'binary', data: Buffer.from(bytes), binary: true }) satisfies FuzzFrame) },
    {
      weight: 1,
      // A text frame that is not UTF-8 breaks the WebSocket protocol itself: ws closes with 1007.
      arbitrary: fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map((bytes) => Buffer.concat([Buffer.from(bytes), Buffer.from([0xff, 0xfe])]))
        .map((data) => ({ kind: 'bad-utf8', data, binary: false }) satisfies FuzzFrame),
    },
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).filter((s) => !isValidLooking(s)).map((s) => text('text', s)) },
    {
      weight: 2,
      arbitrary: fc
        .jsonValue({ maxDepth: 4 })
        .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
        .map((v) => text('non-object', JSON.stringify(v))),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), fc.option(fc.string().filter((t) => !VALID_TYPES.has(t))))
        .map(([object, type]) => text('random-object', JSON.stringify({ ...object, type: type ?? undefined }))),
    },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.record({ type: fc.constant('join'), colony: badColony, bee: fc.constant('00000000deadbeef') }),
          fc.record({ type: fc.constant('join'), colony: fc.constant(honestColony), bee: badBeeId }),
          fc.record({ type: fc.constant('join') }),
        )
        .map((frame) => text('bad-join', JSON.stringify(frame))),
    },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.record({ type: fc.constant('signal'), to: badBeeId, data: fc.jsonValue({ maxDepth: 2 }) }),
          fc.record({ type: fc.constant('signal'), to: honestId, data: fc.constant(null) }),
          fc.record({ type: fc.constant('signal'), to: honestId }),
        )
        .map((frame) => text('bad-signal', JSON.stringify(frame))),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(honestId, fc.integer({ min: 17, max: 6000 }), fc.boolean())
        .map(([to, depth, objects]) => text('deep-signal', `{"type":"signal","to":"${to}","data":${nested(depth, objects)}}`)),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: limits.maxFrameBytes + 1, max: limits.maxPayloadBytes })
        .map((size) => text('oversized', JSON.stringify({ type: 'signal', to: honest[0], data: 'x' }).padEnd(size, ' '))),
    },
    { weight: 1, arbitrary: fc.constant(null).map(() => text('giant', 'x'.repeat(limits.maxPayloadBytes + 1))) },
    { weight: 4, arbitrary: fc.oneof(fc.constant(honestColony), colonyName).map((colony) => signedJoin(colony, freshIdentity)) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.oneof(fc.constant(honestColony), colonyName), fc.constantFrom(...FORGERIES)).map(([colony, forgery]) => forgedJoin(colony, forgery, freshIdentity)),
    },
    { weight: 2, arbitrary: fc.constant(text('sample', JSON.stringify({ type: 'sample' }))) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(honestId, fc.jsonValue({ maxDepth: 5 }).filter((v) => v !== null))
        .map(([to, data]) => text('signal-honest', JSON.stringify({ type: 'signal', to, data }), to)),
    },
    {
      weight: 2,
      arbitrary: fc.bigInt({ min: 1n, max: 2n ** 60n }).map((n) =>
        text('signal-unknown', JSON.stringify({ type: 'signal', to: `f${n.toString(16).padStart(15, '0')}`, data: { n: 1 } })),
      ),
    },
  );
}

/**
 * The model of one socket: joined or not, rejected frames so far, closed or not. It follows the
 * rules README's limits table states, frame by frame, for frames sent well within the rate limit.
 */
export function expectedAnswers(frames: readonly FuzzFrame[], honestColony: string, limits: Limits): Expected {
  const answers: Answer[] = [];
  const relayed = new Map<string, number>();
  let joined: string | null = null;
  let errors = 0;
  const reject = (code: SignalErrorCode): number | null => {
    answers.push({ error: code });
    if (code === 'ERR_UNKNOWN_BEE') return null;
    return ++errors === limits.maxErrorsPerSocket ? 1008 : null;
  };
  for (const frame of frames) {
    let close: number | null = null;
    // The size is checked before the frame is parsed, whatever it holds.
    const tooLarge = !frame.binary && Buffer.byteLength(frame.data) > limits.maxFrameBytes;
    switch (tooLarge && frame.kind !== 'giant' && frame.kind !== 'bad-utf8' ? 'oversized' : frame.kind) {
      case 'bad-utf8':
        return { answers, close: 1007, relayed };
      case 'giant':
        return { answers, close: 1009, relayed };
      case 'oversized':
        close = reject('ERR_TOO_LARGE');
        break;
      case 'binary':
      case 'text':
      case 'non-object':
      case 'random-object':
      case 'bad-join':
      case 'bad-signal':
      case 'deep-signal':
        close = reject('ERR_MALFORMED');
        break;
      case 'forged-join':
        if (joined !== null) close = reject('ERR_ALREADY_JOINED');
        else {
          // One try per socket: a bad proof closes it.
          answers.push({ error: 'ERR_BAD_PROOF' });
          close = 1008;
        }
        break;
      case 'join':
        if (joined !== null) close = reject('ERR_ALREADY_JOINED');
        else {
          joined = frame.colony!;
          answers.push('welcome');
        }
        break;
      case 'sample':
        if (joined !== null) answers.push('sample');
        else close = reject('ERR_NOT_JOINED');
        break;
      case 'signal-honest':
        if (joined === honestColony) {
          answers.push('relayed');
          relayed.set(frame.to!, (relayed.get(frame.to!) ?? 0) + 1);
        } else close = reject(joined === null ? 'ERR_NOT_JOINED' : 'ERR_UNKNOWN_BEE');
        break;
      case 'signal-unknown':
        close = reject(joined !== null ? 'ERR_UNKNOWN_BEE' : 'ERR_NOT_JOINED');
        break;
    }
    if (close !== null) return { answers, close, relayed };
  }
  return { answers, close: null, relayed };
}
