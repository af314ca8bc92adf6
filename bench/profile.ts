// CPU profiles of real tabs over a window, for the profiling scripts (idle-profile.ts,
// relay-profile.ts): a CDP CPU profile plus Performance metrics, and a report of the top functions
// by self time and the main thread's split.

import type { BrowserContext, Page } from '@playwright/test';

const SAMPLING_INTERVAL_US = 200;
const TOP = 18;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;

/** Starts profiling `page`; the returned function stops it and reports. */
export async function record(context: BrowserContext, page: Page): Promise<() => Promise<{ profile: Profile; metrics: Record<string, number>; seconds: number }>> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
  const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
  const before = await read();
  const startedMs = Date.now();
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = await cdp.send('Profiler.stop');
    const after = await read();
    const seconds = (Date.now() - startedMs) / 1000;
    const metrics = Object.fromEntries(METRICS.map((name) => [name, (((after[name] ?? 0) - (before[name] ?? 0)) / seconds) * 100]));
    return { profile: profile as unknown as Profile, metrics, seconds };
  };
}

/** Self time per function (name, file, line), in ms per second of window. */
export function selfTimes(profile: Profile, seconds: number): Array<{ where: string; msPerS: number }> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)!.callFrame;
    const file = frame.url === '' ? '' : ` ${frame.url.replace(/^.*\//, '')}:${frame.lineNumber + 1}`;
    const where = `${frame.functionName || '(anonymous)'}${file}`;
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
  });
  return [...totals].map(([where, ms]) => ({ where, msPerS: ms / seconds })).sort((a, b) => b.msPerS - a.msPerS);
}

export function report(label: string, result: Awaited<ReturnType<Awaited<ReturnType<typeof record>>>>): void {
  const m = result.metrics;
  const other = m.TaskDuration! - m.ScriptDuration! - m.LayoutDuration! - m.RecalcStyleDuration!;
  const fixed = (value: number) => value.toFixed(2);
  console.log(`\n## ${label}: main thread busy ${fixed(m.TaskDuration!)}% of a core over ${result.seconds.toFixed(1)} s`);
  console.log(`script ${fixed(m.ScriptDuration!)}%, layout ${fixed(m.LayoutDuration!)}%, style ${fixed(m.RecalcStyleDuration!)}%, other (paint, compositing, tasks) ${fixed(other)}%`);
  const rows = selfTimes(result.profile, result.seconds).filter((row) => row.where !== '(idle)');
  const sampled = rows.reduce((sum, row) => sum + row.msPerS, 0);
  console.log(`sampled, not idle: ${fixed(sampled)} ms/s`);
  for (const row of rows.slice(0, TOP)) console.log(`${fixed(row.msPerS).padStart(7)} ms/s  ${row.where}`);
}
