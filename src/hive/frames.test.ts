import { describe, expect, it } from 'vitest';
import { encodeFrame, MAX_HOPS, parseFrame, type Frame } from './frames';

const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const message: Frame = { t: 'msg', id: '0123456789abcdef', attempt: 0, from: A, to: B, body: 'hi', ttl: 3, route: [A] };

describe('parseFrame', () => {
  it('round-trips every well-formed frame', () => {
    const frames: Frame[] = [
      { t: 'hb', digest: [[A, 1], [B, 2]] },
      message,
      { ...message, to: null },
      { t: 'ack', id: 'fedcba9876543210', of: message.id, from: B, to: A, ttl: 2, route: [B] },
      { t: 'bye' },
    ];
    for (const frame of frames) expect(parseFrame(encodeFrame(frame))).toEqual(frame);
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an unknown type', '{"t":"nope"}'],
    ['a bad bee id', encodeFrame({ ...message, from: 'Mallory' })],
    ['a negative ttl', encodeFrame({ ...message, ttl: -1 })],
    ['a ttl above the hop limit', encodeFrame({ ...message, ttl: MAX_HOPS + 1 })],
    ['a missing body', JSON.stringify({ ...message, body: undefined })],
    ['a route that is too long', encodeFrame({ ...message, route: Array<string>(MAX_HOPS + 2).fill(A) })],
    ['a digest with a bad beat', JSON.stringify({ t: 'hb', digest: [[A, -1]] })],
  ])('rejects %s', (_name, raw) => {
    expect(parseFrame(raw)).toBeNull();
  });
});
