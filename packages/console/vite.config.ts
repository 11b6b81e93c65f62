import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The front end: web/ built into dist/web, which the console server serves. No CDN, nothing fetched at run time. */
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
});
