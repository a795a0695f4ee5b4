// The one entry point (/static/dist/app.js): enhances whatever the server-rendered page
// contains, found by class and data attributes; every page works without it.
// The graph view (Cytoscape) and the console (CodeMirror) load only where they are used.
import "./app.css";
import { enhanceAutocompletes } from "./autocomplete.js";

function start() {
  document.documentElement.classList.add("js");
  enhanceAutocompletes();
  if (document.querySelector(".graph-view")) {
    import("./graph-view.js").then((m) => m.enhanceGraphViews());
  }
  if (document.querySelector("script.canned-outcome")) {
    import("./results-view.js").then((m) => m.enhanceCannedResults());
  }
  if (document.querySelector("form.cypher-console")) {
    import("./console.js").then((m) => m.enhanceConsole());
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
