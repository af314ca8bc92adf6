// The arguments of `npm run sim` that are the runner's, not the simulator's: `--heap-mib N` caps
// the heap (10,000 bees settle in under 2 GiB with 1,800: docs/benchmarks.md); the rest go on to
// src/sim/cli.ts.

/** Heap room for 100,000 bees unless told otherwise. */
export const DEFAULT_HEAP_MIB = 16_384;

export function simArgs(args: readonly string[]): { heapMiB: number; rest: string[] } {
  const rest = [...args];
  const at = rest.findIndex((arg) => arg === '--heap-mib' || arg.startsWith('--heap-mib='));
  if (at < 0) return { heapMiB: DEFAULT_HEAP_MIB, rest };
  const inline = (rest[at] as string).startsWith('--heap-mib=');
  const raw = inline ? (rest[at] as string).slice('--heap-mib='.length) : rest[at + 1];
  rest.splice(at, inline ? 1 : 2);
  const heapMiB = Number(raw);
  if (raw === undefined || !Number.isSafeInteger(heapMiB) || heapMiB < 64) throw new Error(`--heap-mib takes a whole number of MiB (64 or more), got ${raw ?? 'nothing'}`);
  return { heapMiB, rest };
}
