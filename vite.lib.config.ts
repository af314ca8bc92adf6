// The package's JavaScript (lib/, git-ignored; `npm run build:lib`, run by npm pack's prepack):
// ES modules, one per source module so bundlers can shake what an app does not use, with every
// package import left to the app's bundler. tsc (tsconfig.lib.json) writes the .d.ts beside them.
import { isAbsolute } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    outDir: 'lib',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    minify: false,
    copyPublicDir: false,
    lib: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, formats: ['es'] },
    rollupOptions: {
      external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
      output: { preserveModules: true, preserveModulesRoot: 'src', entryFileNames: '[name].js' },
    },
  },
});
