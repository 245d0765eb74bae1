import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * In development the console and the API share one origin: Vite proxies the Worker's paths, so the
 * HttpOnly SameSite=Lax session cookie just works and nothing depends on CORS.
 * EDGELIVE_API_URL names the Worker (wrangler dev), 8787 by default.
 */
const api = process.env.EDGELIVE_API_URL ?? 'http://127.0.0.1:8787';
const proxied = ['/v1', '/hls', '/embed', '/thumbnails', '/downloads', '/tus'];

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  // The workspace's @edgelive/client from its sources (its published exports name dist/).
  resolve: { conditions: ['edgelive-source', ...defaultClientConditions] },
  server: {
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false, ws: p === '/v1' }])),
  },
  build: { outDir: 'dist', sourcemap: true },
});
