// Effects run in order, and nothing after a write leaves before the write has settled.
import { describe, expect, it } from 'vitest';
import { EffectQueue } from './effect-queue';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('the effect queue', () => {
  it('holds back the effects after a write, across later pushes, until the write completes', async () => {
    const done: string[] = [];
    const write = deferred();
    const queue = new EffectQueue<string>((effect) => {
      done.push(effect);
      return effect === 'persist' ? write.promise : undefined;
    });
    queue.push(['link', 'persist', 'send vote']);
    queue.push(['send heartbeat']);
    expect(done).toEqual(['link', 'persist']);
    expect(queue.held).toBe(2);
    write.resolve();
    await write.promise;
    await Promise.resolve();
    expect(done).toEqual(['link', 'persist', 'send vote', 'send heartbeat']);
  });

  it('goes on after a failed write (the bee keeps running in memory)', async () => {
    const done: string[] = [];
    const write = deferred();
    const queue = new EffectQueue<string>((effect) => (done.push(effect), effect === 'persist' ? write.promise : undefined));
    queue.push(['persist', 'send']);
    write.reject(new Error('quota'));
    await write.promise.catch(() => {});
    await Promise.resolve();
    expect(done).toEqual(['persist', 'send']);
  });

  it('drops what it holds when cleared (the page is going away)', async () => {
    const done: string[] = [];
    const write = deferred();
    const queue = new EffectQueue<string>((effect) => (done.push(effect), effect === 'persist' ? write.promise : undefined));
    queue.push(['persist', 'send vote']);
    queue.clear();
    write.resolve();
    await write.promise;
    await Promise.resolve();
    expect(done).toEqual(['persist']);
  });
});
