import { describe, expect, it } from 'vitest';
import { idleGoals, type IdleSide } from './idle.ts';
import { randomMesh } from './idle-mesh.ts';
import { descendants, isRenderer, parsePssKb, parseStat, ticksBetween } from './proc-tree.ts';

const side = (cpuPercent: number, busy: number): IdleSide => ({
  tabs: 16,
  links: 24,
  cpuPercent,
  pssMiB: 900,
  tab: { task: busy, script: 0, layout: 0, style: 0 },
  watched: 'worker',
});

describe('the idle benchmark', () => {
  it('reads a process stat line whose command name holds spaces and parentheses', () => {
    const line = '4242 (chromium (gpu) x) S 4200 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 12 0 99 0';
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 4200, ticks: 325 });
    expect(parseStat('garbage')).toBeNull();
  });

  it('tells a renderer from the browser’s other processes by its command line', () => {
    expect(isRenderer('/usr/lib/chromium/chromium\0--type=renderer\0--lang=en-US\0')).toBe(true);
    expect(isRenderer('/usr/lib/chromium/chromium --type=renderer --lang=en-US\0\0\0')).toBe(true);
    expect(isRenderer('/usr/lib/chromium/chromium\0--type=gpu-process\0')).toBe(false);
    expect(isRenderer('/usr/lib/chromium/chromium\0--renderer-process-limit=--type=renderer\0')).toBe(false);
  });

  it('reads PSS from smaps_rollup', () => {
    expect(parsePssKb('Rss:   2048 kB\nPss:   1536 kB\nPss_Anon:   100 kB\n')).toBe(1536);
    expect(parsePssKb('Rss: 1 kB\n')).toBeNull();
  });

  it('counts the whole tree below the root, and the ticks it spent, new processes from zero', () => {
    const tree = [
      { pid: 2, ppid: 1, ticks: 10 },
      { pid: 3, ppid: 2, ticks: 5 },
      { pid: 9, ppid: 8, ticks: 1_000 },
    ];
    expect(descendants(tree, 1).map((stat) => stat.pid)).toEqual([2, 3]);
    expect(ticksBetween(descendants(tree, 1), [{ pid: 2, ppid: 1, ticks: 30 }, { pid: 3, ppid: 2, ticks: 5 }, { pid: 4, ppid: 2, ticks: 7 }])).toBe(27);
  });

  it('lays a connected random mesh with the asked number of links', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    const mesh = randomMesh(16, 24, random);
    expect(mesh).toHaveLength(24);
    expect(new Set(mesh.map(([a, b]) => `${a}-${b}`)).size).toBe(24);
    const reached = new Set([0]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [a, b] of mesh) if (reached.has(a) !== reached.has(b)) grew = reached.add(a).add(b) !== null;
    }
    expect(reached.size).toBe(16);
    expect(randomMesh(4, 100, random)).toHaveLength(6);
  });

  it('says which goal is met and which is not', () => {
    expect(idleGoals(side(21, 1.5), side(14, 0.4)).map(({ measured, met }) => [measured, met])).toEqual([['21% = 1.5× 14%', true], ['1.5%', true]]);
    expect(idleGoals(side(140, 14.6), side(14, 0.4)).map(({ measured, met }) => [measured, met])).toEqual([['140% = 10× 14%', false], ['14.6%', false]]);
  });
});
