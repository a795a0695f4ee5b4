import { defineConfig } from "vite";

// One entry and stable names (no hashes), so Flask templates can link
// /static/dist/app.js (type=module) and /static/dist/app.css. The graph view and
// the console are split into chunks that app.js imports only on pages that use them.
export default defineConfig({
  // Chunks and their preloads resolve against app.js's own URL (import.meta.url), so they
  // load wherever Flask serves the build: /static/dist/, or /prefix/static/dist/ behind a
  // proxy that mounts the app under a path (X-Forwarded-Prefix).
  base: "./",
  build: {
    outDir: "../static/dist",
    emptyOutDir: true,
    sourcemap: false,
    cssCodeSplit: false,
    // Cytoscape and CodeMirror are each ~400 kB minified; they load on demand.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      input: "src/main.js",
      output: {
        entryFileNames: "app.js",
        chunkFileNames: "[name].js",
        assetFileNames: "app[extname]",
      },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.js"],
  },
});
