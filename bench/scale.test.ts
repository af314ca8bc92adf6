import { describe, expect, it } from 'vitest';
import { runScaleBench, scaleGoals, scalePlot } from './scale.ts';
import { runScale } from './scale-sim.ts';

describe('the scale benchmark', () => {
  it('measures a small simulated colony against a full mesh', () => {
    const outcome = runScale({ bees: 40, seed: 3, convergeCapMs: 60_000 });
    expect(outcome.convergedMs).not.toBeNull();
    expect(outcome.following).toBe(40);
    expect(outcome.links.fullMesh).toBe(39);
    expect(outcome.links.mean).toBeLessThan(outcome.links.fullMesh);
    expect(outcome.links.max).toBeLessThanOrEqual(39);
    // A unicast is at least the data frame and its ack; every one arrived.
    expect(outcome.unicast.framesPerMessage).toBeGreaterThanOrEqual(2);
    expect(outcome.unicast.medianFrames).toBeGreaterThanOrEqual(2);
    expect(outcome.unicast.maxFrames).toBeGreaterThanOrEqual(Math.max(outcome.unicast.medianFrames, outcome.unicast.framesPerMessage));
    expect(outcome.unicast.deliveredShare).toBe(1);
    expect(outcome.broadcast.deliveredShare).toBe(1);
    expect(outcome.idleFramesOutPerS.mean).toBeGreaterThan(0);
    // Bytes as JSON: every frame is more than a few bytes; the full mesh's model scales with it.
    expect(outcome.idleBytesOutPerS.mean).toBeGreaterThan(20 * outcome.idleFramesOutPerS.mean);
    expect(outcome.idleBytesOutPerS.fullMesh / outcome.idleFramesOutPerS.fullMesh).toBeCloseTo(outcome.idleBytesOutPerS.mean / outcome.idleFramesOutPerS.mean, 5);
    expect(outcome.violations).toBe(0);
    // The simulator's own cost: how fast it ran up to convergence, and the heap each bee took.
    expect(outcome.convergeVirtualMs).toBeGreaterThanOrEqual(outcome.convergedMs!);
    expect(outcome.convergeWallMs).toBeGreaterThan(0);
    expect(outcome.heapPerBeeBytes).toBeGreaterThan(0);
    // Issue 16's goals, judged on the outcome: met here, not met by a flood or a capped 10,000.
    const run = { bees: 40, capS: 60, status: 'measured' as const, outcome, last: null, wallS: 1, error: null };
    expect(scaleGoals([run]).map((goal) => [goal.goal, goal.met])).toEqual([
      ['40 bees: frames per cross-hive unicast (data + ack)', true],
      ['40 bees: frames per broadcast, per bee', true],
    ]);
    const flooded = { ...outcome, broadcast: { ...outcome.broadcast, framesPerMessage: 4 * 39 } };
    expect(scaleGoals([{ ...run, outcome: flooded }])[1]?.met).toBe(false);
    expect(scaleGoals([{ ...run, bees: 10_000, status: 'wall cap', outcome: null, wallS: 60 }])).toMatchObject([{ met: false, measured: 'wall cap after 60 s wall' }]);
  });

  it('crosses hives over the court: a broadcast costs about a frame per bee, a unicast a logarithm of the hives', () => {
    const outcome = runScale({ bees: 300, seed: 1, convergeCapMs: 60_000 });
    expect(outcome.convergedMs).not.toBeNull();
    expect(outcome.broadcast.deliveredShare).toBe(1);
    expect(outcome.broadcast.framesPerMessage).toBeLessThanOrEqual(1.1 * 299);
    expect(outcome.unicast.deliveredShare).toBe(1);
    // Data and ack: worker to queen, across the court, queen to worker.
    expect(outcome.unicast.framesPerMessage).toBeLessThanOrEqual(2 * (3 + Math.log2(outcome.queens)));
  });

  it('runs each size in a child process, and reports a size that hits the wall cap with how far it got', async () => {
    const lines: string[] = [];
    // The small colony gets all the time a busy machine needs; the large one is stopped at 4 s.
    const { result, runs } = await runScaleBench({ sizes: [20, 20_000], capS: { 20: 600, 20_000: 4 }, heapMiB: 1_024 }, (line) => lines.push(line));
    expect(runs.map((run) => run.status)).toEqual(['measured', 'wall cap']);
    expect(runs[1]!.wallS).toBeLessThan(10);
    expect(result.status).toBe('partial');
    expect(result.notes.join()).toContain('npm run bench -- scale --sim-sizes 20000');
    expect(result.figures.find((figure) => figure.label.startsWith('20 bees: links per bee'))?.baseline?.value).toBe(19);
    expect(result.figures.find((figure) => figure.label.startsWith('20 bees: simulator speed'))?.baseline?.value).toBe(1);
    expect(result.figures.find((figure) => figure.label.startsWith('20 bees: heap per bee'))?.value).toBeGreaterThan(0);
    expect(result.figures.find((figure) => figure.label.startsWith('20000 bees'))?.note).toContain('wall cap');
    expect(scalePlot(runs).match(/<circle/g)).toHaveLength(6); // one point per series, three series in each of two panels
  });
});
