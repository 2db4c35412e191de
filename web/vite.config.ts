// Builds the console to web/dist; hashed files go under /assets/, which the server caches as immutable.
import optimizeLocales from '@react-aria/optimize-locales-plugin';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // The console is in English: React Aria's strings for its other 30-odd locales are left out of the bundle.
  plugins: [react(), optimizeLocales.vite({ locales: ['en-US'] })],
  build: { outDir: 'dist', assetsDir: 'assets', emptyOutDir: true, sourcemap: false },
  // `npm run dev -w web` proxies the API to a local `vigil serve`, so the cookie stays same-origin.
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
