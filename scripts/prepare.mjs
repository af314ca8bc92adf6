// npm's `prepare` (after `npm install`) and `prestart`: build what is stale when the build tools
// (dev dependencies) are installed. Without them (`npm ci --omit=dev`) it must not fail an
// install: it uses the build that is there, and `prestart` explains what to do if there is none.
// Plain JavaScript, because it runs where tsx and TypeScript are not installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const haveTools = existsSync(tsx) && existsSync(join(root, 'node_modules', 'vite', 'package.json'));
const built = existsSync(join(root, 'dist', 'index.html')) && existsSync(join(root, 'dist-server', 'main.js'));
const needBuild = process.argv.includes('--need-build');

if (haveTools) {
  const build = spawnSync(tsx, [join(root, 'scripts', 'build.ts'), '--stale'], { cwd: root, stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
if (!built) {
  const how =
    'Hivemesh is not built, and its build tools (dev dependencies) are not installed here.\n' +
    'Build where they are (`npm install && npm run build`) and bring dist/ and dist-server/ along,\n' +
    'or build the Docker image, which does both.';
  if (needBuild) {
    console.error(how);
    process.exit(1);
  }
  console.log(how);
}
