/**
 * Builds the dashboard into dist/dashboard/, served by src/http/dashboard at /dashboard.
 * JSX goes through esbuild's automatic runtime (Preact), so no framework plugin is needed.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/dashboard/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../dist/dashboard',
    emptyOutDir: true,
    target: 'es2022',
    // Everything as files: the CSP allows no inline script, and data: URIs would hide assets from it.
    assetsInlineLimit: 0,
    // Chromium, Firefox and Safari support modulepreload natively; the polyfill is dead weight.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
