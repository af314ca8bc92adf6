// Runs a TypeScript entry point under node from an esbuild bundle rather than through tsx. tsx
// compiles with `keepNames`: every function it creates is handed to a helper that gives it a
// `name` property of its own, a property store per closure. A simulated colony makes tens of
// closures per bee and more per heartbeat: under tsx they were 18% of the heap at 3,000 bees and
// the simulator ran 3-8% slower (docs/benchmarks.md). The bundle lives in a temporary directory of
// its own, removed when this process exits; nothing is written to the repository.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

let directory: string | null = null;

/** Bundles `entry` for this node, with its source map inline (stack traces name the .ts lines); returns the file. */
export async function bundleForNode(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    write: false,
    logLevel: 'error',
  });
  if (directory === null) {
    directory = mkdtempSync(join(tmpdir(), 'hivemesh-bundle-'));
    const made = directory;
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
  }
  const file = join(directory, `${basename(entry).replace(/\.ts$/, '')}.mjs`);
  writeFileSync(file, (result.outputFiles[0] as { text: string }).text);
  return file;
}
