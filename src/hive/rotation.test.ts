import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Rotation } from './rotation';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * A rotation over a map that grows and then drops its first value: whether that value can
 * still be collected while the rotation lives.
 */
async function churned(use: (rotation: Rotation<object>) => void): Promise<{ first: WeakRef<object>; rotation: Rotation<object> }> {
  const map = new Map<number, object>();
  for (let i = 0; i < 8; i++) map.set(i, { i });
  const rotation = new Rotation(map);
  rotation.next();
  const first = new WeakRef(map.get(0) as object);
  // The map outgrows its table while the first value is in it; the outgrown table keeps a copy.
  for (let i = 8; i < 1000; i++) map.set(i, { i });
  map.delete(0);
  use(rotation);
  // A WeakRef keeps its target for the rest of the job that made it.
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  return { first, rotation };
}

describe('Rotation', () => {
  it('cycles through the values, starting over after the last, and over an empty map gives nothing', () => {
    const map = new Map([[1, 'a'], [2, 'b']]);
    const rotation = new Rotation(map);
    expect([rotation.next(), rotation.next(), rotation.next()]).toEqual(['a', 'b', 'a']);
    map.set(3, 'c');
    expect([rotation.next(), rotation.next()]).toEqual(['b', 'c']);
    expect(new Rotation(new Map()).next()).toBeUndefined();
  });

  it('starts over once idle', () => {
    const rotation = new Rotation(new Map([[1, 'a'], [2, 'b']]));
    rotation.next();
    rotation.idle();
    expect(rotation.next()).toBe('a');
  });

  it('keeps nothing its map dropped once idle, where a held iterator keeps the tables it outgrew', async () => {
    const held = await churned(() => {});
    expect(held.first.deref()).toBeDefined();
    const idle = await churned((rotation) => rotation.idle());
    expect(idle.first.deref()).toBeUndefined();
    // Both rotations still live: only the idle one let go.
    expect([held.rotation, idle.rotation]).toHaveLength(2);
  });
});
