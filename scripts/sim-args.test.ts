import { describe, expect, it } from 'vitest';
import { DEFAULT_HEAP_MIB, simArgs } from './sim-args.ts';

describe("npm run sim's own arguments", () => {
  it('takes the heap cap out and passes the rest on in order', () => {
    expect(simArgs(['--bees', '10000', '--heap-mib', '1800', '--seed', '1'])).toEqual({ heapMiB: 1800, rest: ['--bees', '10000', '--seed', '1'] });
    expect(simArgs(['--heap-mib=2048', '--bees', '5'])).toEqual({ heapMiB: 2048, rest: ['--bees', '5'] });
    expect(simArgs(['--bees', '5'])).toEqual({ heapMiB: DEFAULT_HEAP_MIB, rest: ['--bees', '5'] });
  });

  it('refuses a cap that is not a whole number of MiB', () => {
    expect(() => simArgs(['--heap-mib'])).toThrow(/whole number/);
    expect(() => simArgs(['--heap-mib', 'lots'])).toThrow(/whole number/);
    expect(() => simArgs(['--heap-mib=1.5'])).toThrow(/whole number/);
  });
});
