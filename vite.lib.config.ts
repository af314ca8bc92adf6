// The package's JavaScript (lib/, git-ignored; `npm run build:lib`, run by npm pack's prepack):
// ES modules, one per source module so bundlers can shake what an app does not use, with the
// package's dependencies left to the app's bundler. simple-peer 10 and what it imports are built
// in instead, with the app's own stand-ins (vite.config.ts): an app that installs Hivemesh then
// installs no native WebRTC polyfill and needs no alias. tsc (tsconfig.lib.json) writes the .d.ts.
import { isAbsolute } from 'node:path';
import { defineConfig, mergeConfig } from 'vite';
import app from './vite.config.ts';

const BUILT_IN = '@thaunknown/simple-peer';
const bare = (id: string) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0');

export default mergeConfig({ resolve: app.resolve }, defineConfig({
  build: {
    outDir: 'lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: false,
    copyPublicDir: false,
    lib: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, formats: ['es'] },
    rollupOptions: {
      // What simple-peer's own modules import (importer in node_modules) is built in with it.
      external: (id, importer) => bare(id) && !id.startsWith(BUILT_IN) && !importer?.includes('/node_modules/'),
      // npm leaves every node_modules/ folder out of a package: what is built in goes to vendor/.
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: ({ name }) => `${name.replaceAll('node_modules/', 'vendor/')}.js` },
    },
  },
}));
