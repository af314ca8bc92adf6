// `npm run sim`: the simulator's command line (src/sim/cli.ts, arguments passed on), run from a
// bundle (node-bundle.ts) with heap room for 100,000 bees, or `--heap-mib N` (sim-args.ts).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './node-bundle.ts';
import { simArgs } from './sim-args.ts';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

const { heapMiB, rest } = simArgs(process.argv.slice(2));
const file = await bundleForNode(join(ROOT, 'src/sim/cli.ts'));
const child = spawn(process.execPath, [`--max-old-space-size=${heapMiB}`, '--enable-source-maps', file, ...rest], { stdio: 'inherit' });
child.on('close', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
