import { env } from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// The Tributary server the dev server proxies to; TRIBUTARY_API overrides the default port.
const api = env.TRIBUTARY_API ?? 'http://127.0.0.1:3000';

// The server refuses state-changing requests whose Origin is not its own (CSRF defence), and the dev
// server is another origin: present proxied requests as coming from the API's origin.
const proxied: ProxyOptions = {
  target: api,
  changeOrigin: true,
  configure: (proxy) => {
    proxy.on('proxyReq', (request) => {
      if (request.getHeader('origin')) request.setHeader('origin', new URL(api).origin);
    });
  },
};

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/auth', '/docs', '/openapi.json', '/healthz'].map((path) => [path, proxied]),
    ),
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
