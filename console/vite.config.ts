import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { BOOT_MODULES, bootScript, pagePreloads, precompress } from './build-plugins.ts';

/** The API server the dev server forwards to: `npm start` listens on 3000 unless told otherwise. */
const apiTarget = process.env.NETCARE_API_URL ?? 'http://127.0.0.1:3000';
const proxy = Object.fromEntries(
  ['/api', '/tmf-api', '/healthz', '/docs'].map((prefix) => [prefix, { target: apiTarget, changeOrigin: false }]),
);

/**
 * The console bundle. Paths are relative to this file, so the build works from any working
 * directory (`npm run build` at the root, or `serve` rebuilding a stale bundle).
 */
const outDir = fileURLToPath(new URL('./dist', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), bootScript(), pagePreloads(fileURLToPath(new URL('./src', import.meta.url))), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // antd itself is one chunk of about 1 MB before gzip; pages load lazily on top of it.
    chunkSizeWarningLimit: 1500,
    // src/boot.ts and what it imports: a chunk of its own that index.html loads first (bootScript)
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [{ name: 'boot', test: BOOT_MODULES, priority: 100 }],
        },
      },
    },
  },
  server: { host: '127.0.0.1', proxy },
  preview: { host: '127.0.0.1', proxy },
});
