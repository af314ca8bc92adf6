import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../net/transport';
import { encodeFrame, MAX_BODY_DEPTH, MAX_HOPS, MAX_PAYLOAD_BYTES, MAX_SIGNAL_BYTES, parseFrame, type Envelope, type Frame } from './frames';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const HIVE = '0123456789abcdef';
const membership = { hive: HIVE, term: 3, epoch: 2, members: [A, B] };
const seal = { bee: A, pub: 'cHVi', sig: 'c2ln' };
const data: Envelope = { t: 'env', id: '0123456789abcdef', from: A, to: B, ttl: 3, route: [A], p: { k: 'data', msg: 'fedcba9876543210', body: 'hi' } };

describe('parseFrame', () => {
  it('round-trips every well-formed frame', () => {
    const frames: Frame[] = [
      { t: 'hb', digest: [[A, 1], [B, 2]], hives: [{ queen: B, hive: HIVE, beat: 9, term: 3, size: 1, workers: [A] }], term: 3, queen: B, hive: HIVE, hiveVersion: [3, 2], uptimeMs: 1200, visible: true, version: 2, founder: A },
      { t: 'hb', digest: [], hives: [], term: 3, queen: B, hive: HIVE, hiveVersion: [3, 2], uptimeMs: 1200, visible: true, version: 2, heir: A },
      { t: 'up', version: 2, config: { colour: '#f5b700', note: 'hi' }, route: [A, B] },
      data,
      { ...data, to: null },
      { ...data, p: { k: 'ack', msg: 'fedcba9876543210' } },
      { ...data, to: null, p: { k: 'elect', term: 4, pre: true, membership, seal: null } },
      { ...data, to: null, p: { k: 'elect', term: 4, pre: false, membership, seal } },
      { ...data, p: { k: 'vote', term: 4, pre: false, ballot: seal } },
      { ...data, p: { k: 'vote', term: 4, pre: true, ballot: null } },
      { ...data, to: null, p: { k: 'queen', term: 4, membership, authority: { by: 'votes', ballots: [seal] } } },
      { ...data, to: null, p: { k: 'queen', term: 1, membership, authority: { by: 'split', seal } } },
      { ...data, p: { k: 'members', membership, seal } },
      { ...data, p: { k: 'stored', hive: HIVE, term: 3, epoch: 2 } },
      { ...data, p: { k: 'breed', membership, seal } },
      { ...data, p: { k: 'move', to: B, membership, seal } },
      { ...data, p: { k: 'move', to: B, membership: null, seal: null } },
      { ...data, p: { k: 'sig', data: { sdp: 'v=0' } } },
      { ...data, p: { k: 'later', term: 5 } },
      { ...data, p: { k: 'here', workers: [A, B] } },
      { ...data, via: B },
      { ...data, via: B, search: true },
      { t: 'bye' },
    ];
    for (const frame of frames) expect(parseFrame(encodeFrame(frame))).toEqual(frame);
  });

  it('refuses an address list longer than a hive or naming what is not a bee, a via that is not a bee, and a search that is not true', () => {
    expect(parseFrame(encodeFrame({ ...data, p: { k: 'here', workers: Array.from({ length: 65 }, () => A) } }))).toBeNull();
    expect(parseFrame(encodeFrame({ ...data, p: { k: 'here', workers: [A, 'not a bee'] } }))).toBeNull();
    expect(parseFrame(encodeFrame({ ...data, via: 'not a bee' }))).toBeNull();
    expect(parseFrame(JSON.stringify({ ...data, search: 1 }))).toBeNull();
  });

  it("reads an older bee's heartbeat, which names no founder, and refuses a founder that is not a bee id", () => {
    const hb = { t: 'hb', digest: [], hives: [], term: 0, queen: null, hive: null, hiveVersion: null, uptimeMs: 0, visible: true, version: 0 };
    expect(parseFrame(JSON.stringify(hb))).toEqual(hb);
    expect(parseFrame(JSON.stringify({ ...hb, founder: 'Mallory' }))).toBeNull();
    // An observer says so with `true`, and nothing else passes for it.
    expect(parseFrame(JSON.stringify({ ...hb, observer: true }))).toEqual({ ...hb, observer: true });
    expect(parseFrame(JSON.stringify({ ...hb, observer: 'yes' }))).toBeNull();
  });

  it('reads a hive told as a count, and counts the list of a bee from before sizes', () => {
    const hb = { t: 'hb', digest: [], term: 0, queen: null, hive: null, hiveVersion: null, uptimeMs: 0, visible: true, version: 0 };
    const counted = { queen: B, hive: HIVE, beat: 9, term: 3, size: 40 };
    expect(parseFrame(JSON.stringify({ ...hb, hives: [counted] }))).toMatchObject({ hives: [{ ...counted, workers: [] }] });
    const older = { queen: B, hive: HIVE, beat: 9, term: 3, workers: [A] };
    expect(parseFrame(JSON.stringify({ ...hb, hives: [older] }))).toMatchObject({ hives: [{ ...older, size: 1 }] });
    expect(parseFrame(JSON.stringify({ ...hb, hives: [{ ...counted, size: -1 }] }))).toBeNull();
    expect(parseFrame(JSON.stringify({ ...hb, hives: [{ ...counted, size: 'many' }] }))).toBeNull();
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an unknown type', '{"t":"nope"}'],
    ['a bad bee id', encodeFrame({ ...data, from: 'Mallory' })],
    ['a negative ttl', encodeFrame({ ...data, ttl: -1 })],
    ['a ttl above the hop limit', encodeFrame({ ...data, ttl: MAX_HOPS + 1 })],
    ['a missing body', JSON.stringify({ ...data, p: { k: 'data', msg: 'fedcba9876543210' } })],
    ['an unknown payload', JSON.stringify({ ...data, p: { k: 'sting' } })],
    ['a fractional term', JSON.stringify({ ...data, p: { k: 'vote', term: 1.5, pre: false } })],
    ['a route that is too long', encodeFrame({ ...data, route: Array<string>(MAX_HOPS + 2).fill(A) })],
    ['an empty route', encodeFrame({ ...data, route: [] })],
    ['more ttl than its route leaves room for', encodeFrame({ ...data, ttl: MAX_HOPS, route: [A, B] })],
    ['a digest with a bad beat', JSON.stringify({ t: 'hb', digest: [[A, -1]], term: 0, queen: null, uptimeMs: 0, visible: true })],
    ['a hive with a bad worker', JSON.stringify({ t: 'hb', digest: [], hives: [{ queen: A, beat: 1, term: 1, workers: ['x'] }], term: 0, queen: null, uptimeMs: 0, visible: true })],
    ['members out of order (one spelling per membership, as signed)', JSON.stringify({ ...data, p: { k: 'members', membership: { ...membership, members: [B, A] }, seal } })],
    ['a member twice', JSON.stringify({ ...data, p: { k: 'members', membership: { ...membership, members: [A, A] }, seal } })],
    ['a membership of nobody', JSON.stringify({ ...data, p: { k: 'members', membership: { ...membership, members: [] }, seal } })],
    ['a seal that is not base64url', JSON.stringify({ ...data, p: { k: 'breed', membership, seal: { ...seal, sig: 'not base64!' } } })],
    ['an heir that is no bee', JSON.stringify({ t: 'hb', digest: [], hives: [], term: 0, queen: null, hive: null, hiveVersion: null, uptimeMs: 0, visible: true, version: 0, heir: 'Mallory' })],
    ['a claim without its certificate', JSON.stringify({ ...data, p: { k: 'queen', term: 4, membership } })],
    ['a signal that is too big', JSON.stringify({ ...data, p: { k: 'sig', data: 'x'.repeat(MAX_SIGNAL_BYTES) } })],
    ['a heartbeat without a term', JSON.stringify({ t: 'hb', digest: [], queen: null, uptimeMs: 0, visible: true })],
    ['a body nested too deep', JSON.stringify({ ...data, p: { k: 'data', msg: 'fedcba9876543210', body: JSON.parse(`${'['.repeat(MAX_BODY_DEPTH + 1)}${']'.repeat(MAX_BODY_DEPTH + 1)}`) } })],
    ['a frame over the data-channel limit', encodeFrame({ ...data, p: { k: 'data', msg: 'fedcba9876543210', body: 'x'.repeat(MAX_FRAME_BYTES) } })],
  ])('rejects %s', (_name, raw) => {
    expect(parseFrame(raw)).toBeNull();
  });
});

describe('the envelope size limits', () => {
  it('leave room for the largest envelope a relay can make of a payload at the limit', () => {
    // The longest ids the parser takes, a route of MAX_HOPS + 1 of them, the longest auth.
    const longest = (c: string) => c.repeat(64);
    const p = { k: 'data', msg: 'f'.repeat(32), body: '' };
    const worst = {
      t: 'env', id: 'e'.repeat(32), from: longest('a'), to: longest('b'), ttl: 0,
      route: Array.from({ length: MAX_HOPS + 1 }, () => longest('c')),
      p: { ...p, body: 'x'.repeat(MAX_PAYLOAD_BYTES - JSON.stringify(p).length) },
      auth: { pub: 'k'.repeat(43), seq: Number.MAX_SAFE_INTEGER, sig: 's'.repeat(86) },
    };
    const raw = JSON.stringify(worst);
    expect(parseFrame(raw), 'the parser takes it').not.toBeNull();
    expect(raw.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });
});
