import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleForNode } from './node-bundle.ts';

describe('bundleForNode', () => {
  it('bundles an entry and its imports into one file node runs, without the helper that names every closure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'node-bundle-test-'));
    writeFileSync(join(dir, 'double.ts'), 'export const double = (n: number): number => n * 2;\n');
    writeFileSync(
      join(dir, 'entry.ts'),
      "import { double } from './double';\nconst named = (n: number) => double(n) + 1;\nconsole.log(named(20));\n",
    );
    try {
      const file = await bundleForNode(join(dir, 'entry.ts'));
      expect(readFileSync(file, 'utf8')).not.toContain('__name');
      expect(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim()).toBe('41');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
