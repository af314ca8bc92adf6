import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../net/transport';
import { Bundler, unbundle } from './bundler';

/** A bundler whose flushes run when the test says, writing into `written`. */
function bundler() {
  const written: Array<{ peer: string; message: string }> = [];
  let flushes: Array<() => void> = [];
  const b = new Bundler((peer, message) => written.push({ peer, message }), (flush) => flushes.push(flush));
  const endOfTask = () => {
    const due = flushes;
    flushes = [];
    due.forEach((flush) => flush());
  };
  return { b, written, endOfTask };
}

describe('Bundler', () => {
  it('writes the frames of one task once per peer, in order, and they split back as sent', () => {
    const { b, written, endOfTask } = bundler();
    b.add('q', '{"a":1}');
    b.add('w', '{"b":2}');
    b.add('q', '{"c":"x\\ny"}');
    expect(written).toEqual([]);
    endOfTask();
    expect(written.map(({ peer }) => peer)).toEqual(['q', 'w']);
    expect(unbundle(written[0]!.message).map((frame) => JSON.parse(frame))).toEqual([{ a: 1 }, { c: 'x\ny' }]);
    b.add('q', '{"d":4}');
    endOfTask();
    expect(written.at(-1)).toEqual({ peer: 'q', message: '{"d":4}' });
  });

  it('keeps every message within MAX_FRAME_BYTES, and a frame bigger than that alone', () => {
    const { b, written, endOfTask } = bundler();
    const frame = (n: number, size: number) => JSON.stringify({ n, pad: 'x'.repeat(size) });
    const frames = [frame(1, 6000), frame(2, 6000), frame(3, 6000), frame(4, MAX_FRAME_BYTES + 10), frame(5, 10)];
    frames.forEach((each) => b.add('q', each));
    endOfTask();
    expect(written.map(({ message }) => unbundle(message).length)).toEqual([2, 1, 1, 1]);
    expect(written.filter(({ message }) => unbundle(message).length > 1).every(({ message }) => message.length <= MAX_FRAME_BYTES)).toBe(true);
    expect(written.flatMap(({ message }) => unbundle(message))).toEqual(frames);
  });

  it('writes at once what a closing link still holds, and nothing for a link already gone', () => {
    const { b, written, endOfTask } = bundler();
    b.add('q', '{"bye":1}');
    b.flush('q');
    expect(written).toEqual([{ peer: 'q', message: '{"bye":1}' }]);
    b.add('w', '{"late":1}');
    b.drop('w');
    endOfTask();
    expect(written).toHaveLength(1);
  });
});
