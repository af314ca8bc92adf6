import { describe, expect, it } from 'vitest';
import { convergedProblem, linkShare, stayedConverged } from './classroom.ts';

const queen = (id: string, workers: string[], capacity = 2) => ({ id, role: 'queen' as const, queen: id, neighbours: [...workers], workers, capacity, connections: workers.length });
const worker = (id: string, of: string, more: string[] = []) => ({ id, role: 'worker' as const, queen: of, neighbours: [of, ...more], workers: [], capacity: 2, connections: 1 });

describe('the classroom benchmark', () => {
  it('calls a colony converged only when every bee is attached and no queen is over capacity', () => {
    const hive = [queen('q', ['a', 'b']), worker('a', 'q'), worker('b', 'q')];
    expect(convergedProblem(hive)).toBeNull();
    expect(convergedProblem([...hive.slice(0, 2), { ...worker('b', 'q'), neighbours: [] }])).toBe('1 tab(s) not attached to a queen');
    expect(convergedProblem([queen('q', ['a', 'b', 'c']), worker('a', 'q'), worker('b', 'q'), worker('c', 'q')])).toBe('1 queen(s) over capacity');
  });

  it('measures links per bee against a full mesh of the same bees', () => {
    const share = linkShare([queen('q', ['a', 'b']), worker('a', 'q', ['b']), worker('b', 'q', ['a'])]);
    expect(share).toEqual({ mean: 2, max: 2, fullMesh: 2, share: 1, hives: 1 });
  });

  it('says a colony stayed converged only if every reading was, under the same queens', () => {
    const links = linkShare([]);
    const reading = (problem: string | null, queens: string[]) => ({ atMs: 0, problem, queens, links });
    expect(stayedConverged([reading(null, ['q', 'r']), reading(null, ['q', 'r'])])).toBe(true);
    expect(stayedConverged([reading(null, ['q', 'r']), reading(null, ['q', 's'])])).toBe(false);
    expect(stayedConverged([reading(null, ['q']), reading('1 tab(s) not attached to a queen', ['q'])])).toBe(false);
    expect(stayedConverged([])).toBe(false);
  });
});
