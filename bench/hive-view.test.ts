import { describe, expect, it } from 'vitest';
import { attachedQueen, versionKey } from './hive-view.ts';

describe('hive view', () => {
  const bee = { id: 'b1', role: 'worker' as const, queen: 'q1', neighbours: ['q1', 'b2'] };

  it('attaches a worker to the queen it follows only over a direct link to her', () => {
    expect(attachedQueen(bee)).toBe('q1');
    expect(attachedQueen({ ...bee, neighbours: ['b2'] })).toBeNull();
    expect(attachedQueen({ ...bee, queen: null })).toBeNull();
  });

  it('attaches a queen to herself', () => {
    expect(attachedQueen({ id: 'q1', role: 'queen', queen: 'q1', neighbours: [] })).toBe('q1');
  });

  it('keys versions of any shape, and a missing one as null', () => {
    expect(versionKey({ ...bee, version: 3 })).toBe('3');
    expect(versionKey({ ...bee, version: { n: 2, by: 'b1' } })).toBe('{"n":2,"by":"b1"}');
    expect(versionKey(bee)).toBe('null');
  });
});
