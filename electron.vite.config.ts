import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    build: {
      rollupOptions: { input: { index: resolve('src/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload must be CommonJS and self-contained.
      externalizeDeps: false,
      rollupOptions: {
        // The main window's bridge, and the prompt window's own (src/main/prompt).
        input: { index: resolve('src/preload/index.ts'), prompt: resolve('src/preload/prompt.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      // electron-vite leaves builds unminified; the window's start-up reads less minified.
      minify: true,
      rollupOptions: {
        input: {
          index: resolve('src/renderer/index.html'),
          // Main's own prompt window: a page of its own, no React.
          prompt: resolve('src/renderer/prompt.html'),
        },
      },
    },
  },
});
