import { defineConfig } from "vite";

// One bundle with stable names, so Flask templates can link /static/dist/app.js and app.css.
export default defineConfig({
  build: {
    outDir: "../static/dist",
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      input: "src/main.js",
      output: {
        entryFileNames: "app.js",
        chunkFileNames: "[name].js",
        manualChunks: undefined,
        assetFileNames: "app[extname]",
      },
    },
  },
});
