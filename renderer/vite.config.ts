import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // One bundle read from local disk (app scheme or loopback), never over a slow network: React,
    // zod and xterm together exceed Vite's default 500 kB warning without costing start-up time.
    chunkSizeWarningLimit: 1024,
    // The CSP forbids inline scripts; keep every script an external file.
    modulePreload: { polyfill: false },
  },
});
