// Frames never leave before the writes issued ahead of them; local effects never wait; and a
// frame waits only for earlier writes, so a stream of later writes cannot starve it.
import { describe, expect, it } from 'vitest';
import { EffectQueue } from './effect-queue';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Effects are strings: 'write:<name>' writes (and waits for writes[name]), 'send:…' is a frame. */
function queue(writes: Record<string, Promise<void>>) {
  const done: string[] = [];
  const q = new EffectQueue<string>(
    (effect) => {
      done.push(effect);
      return effect.startsWith('write:') ? writes[effect.slice(6)] : undefined;
    },
    (effect) => effect.startsWith('send:'),
  );
  return { q, done };
}

describe('the effect queue', () => {
  it('holds frames after a write, across later pushes, until the write completes; local effects go at once', async () => {
    const vote = deferred();
    const { q, done } = queue({ vote: vote.promise });
    q.push(['link', 'write:vote', 'send:vote', 'roleChanged']);
    q.push(['send:heartbeat']);
    expect(done).toEqual(['link', 'write:vote', 'roleChanged']);
    expect(q.waiting).toBe(2);
    vote.resolve();
    await settle();
    expect(done).toEqual(['link', 'write:vote', 'roleChanged', 'send:vote', 'send:heartbeat']);
  });

  it('releases a frame once the writes before it are done, even while later writes are pending', async () => {
    const first = deferred();
    const second = deferred();
    const { q, done } = queue({ first: first.promise, second: second.promise });
    q.push(['write:first', 'send:ack-first', 'write:second', 'send:ack-second']);
    first.resolve();
    await settle();
    expect(done).toEqual(['write:first', 'write:second', 'send:ack-first']);
    second.resolve();
    await settle();
    expect(done.at(-1)).toBe('send:ack-second');
  });

  it('keeps frames in order: a frame with no write before it still waits behind held frames', async () => {
    const write = deferred();
    const { q, done } = queue({ w: write.promise });
    q.push(['write:w', 'send:a']);
    write.resolve();
    q.push(['send:b']); // the write completed but its release has not run yet
    await settle();
    expect(done).toEqual(['write:w', 'send:a', 'send:b']);
  });

  it('never sends the frames held behind a failed write (a vote not on disk is not cast), and goes on after it', async () => {
    const write = deferred();
    const { q, done } = queue({ w: write.promise });
    q.push(['write:w', 'send:vote']);
    write.reject(new Error('quota'));
    await settle();
    expect(done).toEqual(['write:w']);
    expect(q.dropped).toBe(1);
    q.push(['send:heartbeat']);
    expect(done).toEqual(['write:w', 'send:heartbeat']);
  });

  it('takes a write that resolves false (the store could not write) for a failed one', async () => {
    const done: string[] = [];
    const q = new EffectQueue<string>(
      (effect) => {
        done.push(effect);
        return effect === 'write' ? Promise.resolve(false) : undefined;
      },
      (effect) => effect.startsWith('send:'),
    );
    q.push(['write', 'send:vote']);
    await settle();
    expect(done).toEqual(['write']);
  });

  it('keeps the frames held before a failed write, which did not wait on it', async () => {
    const first = deferred();
    const second = deferred();
    const { q, done } = queue({ first: first.promise, second: second.promise });
    q.push(['write:first', 'send:a', 'write:second', 'send:b']);
    second.reject(new Error('quota'));
    await settle();
    first.resolve();
    await settle();
    expect(done).toEqual(['write:first', 'write:second', 'send:a']);
  });

  it('drops what it holds when cleared (the page is going away)', async () => {
    const write = deferred();
    const { q, done } = queue({ w: write.promise });
    q.push(['write:w', 'send:vote']);
    q.clear();
    write.resolve();
    await settle();
    expect(done).toEqual(['write:w']);
  });
});
