// One simulated colony in a process of its own, so the parent can cap its wall time and memory
// and still know how far it got. The plan comes as the first argument (JSON); every progress
// report and the outcome go to stdout as one JSON line each, written synchronously so the last
// progress line survives the kill at the cap.

import { writeSync } from 'node:fs';
import { runScale, type ScaleOutcome, type ScalePlan, type ScaleProgress } from './scale-sim.ts';

export type ScaleLine = { type: 'progress'; progress: ScaleProgress } | { type: 'done'; outcome: ScaleOutcome };

const emit = (line: ScaleLine) => writeSync(1, `${JSON.stringify(line)}\n`);

const plan = JSON.parse(process.argv[2] ?? '') as ScalePlan;
emit({ type: 'done', outcome: runScale(plan, (progress) => emit({ type: 'progress', progress })) });
