import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  // No source maps in dist/: everything in it is public. `npm run dev` still has them.
  build: { target: 'es2022', sourcemap: false },
  server: { host: true },
});
