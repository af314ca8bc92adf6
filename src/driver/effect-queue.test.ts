// Frames never leave before the writes issued ahead of them; local effects never wait; a frame
// waits only for earlier writes, so a stream of later writes cannot starve it; a failed write
// takes the frames behind it along, and a write answered at once costs no waiting at all.
import { describe, expect, it } from 'vitest';
import { EffectQueue, type Order } from './effect-queue';

function deferred(): { promise: Promise<boolean>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<boolean>((res, rej) => ((resolve = () => res(true)), (reject = rej)));
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** 'send:…' is a frame, 'unlink:…' closes a link after its frames, anything else is local. */
const order = (effect: string): Order => (effect.startsWith('send:') ? 'frame' : effect.startsWith('unlink:') ? 'ordered' : 'local');

/** Effects are strings: 'write:<name>' writes, answered by writes[name] (a promise, or true/false at once). */
function queue(writes: Record<string, Promise<boolean> | boolean>) {
  const done: string[] = [];
  const q = new EffectQueue<string>((effect) => {
    done.push(effect);
    return effect.startsWith('write:') ? writes[effect.slice(6)] : undefined;
  }, order);
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
    const { q, done } = queue({ w: Promise.resolve(false) });
    q.push(['write:w', 'send:vote']);
    await settle();
    expect(done).toEqual(['write:w']);
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

  it('closes a link after the frames before it, and still closes it when a write before it failed', async () => {
    const write = deferred();
    const { q, done } = queue({ w: write.promise });
    q.push(['write:w', 'send:bye', 'unlink:peer']);
    expect(done).toEqual(['write:w']);
    write.reject(new Error('quota'));
    await settle();
    expect(done).toEqual(['write:w', 'unlink:peer']);
  });

  it('carries out a batch at once when its writes answer at once, and drops the frames after one that failed', () => {
    const { q, done } = queue({ kept: true, lost: false });
    q.push(['write:kept', 'send:ack', 'write:lost', 'send:vote', 'unlink:peer', 'roleChanged']);
    expect(done).toEqual(['write:kept', 'send:ack', 'write:lost', 'unlink:peer', 'roleChanged']);
    expect(q.dropped).toBe(1);
    q.push(['send:heartbeat']);
    expect(done.at(-1)).toBe('send:heartbeat');
    expect(q.waiting).toBe(0);
  });

  it('drops what it holds when cleared (the page is going away), and lets what follows go at once', async () => {
    const write = deferred();
    const { q, done } = queue({ w: write.promise });
    q.push(['write:w', 'send:vote']);
    q.clear();
    q.push(['send:bye']);
    write.resolve();
    await settle();
    expect(done).toEqual(['write:w', 'send:bye']);
  });
});
