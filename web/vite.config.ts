import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The build lands in the Python package so `parley serve` ships it; `/api` is proxied in dev.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/parley/static/app",
    emptyOutDir: true,
    // CSP is `script-src 'self'`: no inline polyfill script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8000", ws: true },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
