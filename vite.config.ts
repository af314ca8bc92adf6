import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  // No source maps in dist/: everything in it is public. `npm run dev` still has them.
  build: { target: 'es2022', sourcemap: false },
  server: { host: true },
  resolve: {
    // streamx (under @thaunknown/simple-peer) takes its EventEmitter from events-universal, whose
    // default is Node's `events`, which Vite leaves out of a browser build; bare-events is the same
    // authors' plain-JavaScript emitter, already installed as events-universal's own dependency.
    alias: { 'events-universal': 'bare-events' },
  },
});
