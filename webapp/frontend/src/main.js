// Enhances whatever the server-rendered page contains; every page works without it.
// The graph view and the console load only on pages that have them.
import "./app.css";
import { enhanceAutocompletes } from "./autocomplete.js";

function start() {
  document.documentElement.classList.add("js");
  enhanceAutocompletes();
  if (document.querySelector(".graph-view")) {
    import("./graph-view.js").then((m) => m.enhanceGraphViews());
  }
  if (document.querySelector("form.cypher-console")) {
    import("./console.js").then((m) => m.enhanceConsole());
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
