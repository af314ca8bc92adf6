import { describe, expect, it } from 'vitest';
import { EventQueue } from './queue';

function drain(queue: EventQueue<string>): [number, string][] {
  const out: [number, string][] = [];
  for (let next = queue.pop(); next; next = queue.pop()) out.push([next.at, next.item]);
  return out;
}

describe('EventQueue', () => {
  it('pops events in time order, and events of the same time in the order they were pushed', () => {
    const queue = new EventQueue<string>();
    for (const [at, item] of [[30, 'a'], [10, 'b'], [30, 'c'], [20, 'd'], [10, 'e'], [0, 'f']] as const) queue.push(at, item);
    expect(queue.size).toBe(6);
    expect(drain(queue)).toEqual([[0, 'f'], [10, 'b'], [10, 'e'], [20, 'd'], [30, 'a'], [30, 'c']]);
    expect(queue.size).toBe(0);
  });

  it('runs an event pushed for the current time after those already waiting for it', () => {
    const queue = new EventQueue<string>();
    queue.push(5, 'first');
    queue.push(5, 'second');
    queue.push(9, 'later');
    expect(queue.pop()).toEqual({ at: 5, item: 'first' });
    queue.push(5, 'pushed while at 5');
    expect(queue.peekTime()).toBe(5);
    expect(drain(queue).map(([, item]) => item)).toEqual(['second', 'pushed while at 5', 'later']);
  });

  it('matches a sort by (time, insertion order) over many random events', () => {
    const queue = new EventQueue<string>();
    const expected: [number, number][] = [];
    let x = 7;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const at = x % 97;
      expected.push([at, i]);
      queue.push(at, String(i));
    }
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(drain(queue)).toEqual(expected.map(([at, i]) => [at, String(i)]));
  });
});
