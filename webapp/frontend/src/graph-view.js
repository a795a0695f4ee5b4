// Interactive neighbourhood graphs with Cytoscape.js, for `.graph-view` elements:
//   <div class="graph-view" data-graph-src="/show/the-bureau/graph.json"></div>
// or with the data inline (query result pages):
//   <div class="graph-view"><script type="application/json" class="graph-data">{...}</script></div>
// Click a node to open its page, double-click to expand it, "Showing N of M" below,
// PNG and SVG export. Without JavaScript the page's own list of links stands in.
import cytoscape from "cytoscape";
import svg from "cytoscape-svg";
import { insertCytoscapeStylesheet } from "./csp.js";
import { captionText, graphUrl, knownTotal, newElements, toElements } from "./graph-data.js";

cytoscape.use(svg);

// Colour and shape per label, so the kinds differ for colour-blind readers too.
const STYLE = [
  { selector: "node", style: {
      label: "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
      "text-wrap": "ellipsis", "text-max-width": 120, width: 26, height: 26, color: "#1f2933",
      "text-background-color": "#ffffff", "text-background-opacity": 0.75, "text-background-padding": 1,
      "background-color": "#64748b" } },
  { selector: 'node[label = "Show"]', style: { "background-color": "#2563eb", shape: "round-rectangle" } },
  { selector: 'node[label = "Person"]', style: { "background-color": "#d97706", shape: "ellipse" } },
  { selector: 'node[label = "Company"]', style: { "background-color": "#059669", shape: "diamond" } },
  { selector: 'node[label = "Genre"]', style: { "background-color": "#7c3aed", shape: "hexagon" } },
  { selector: "node.center", style: { "border-width": 4, "border-color": "#111827", width: 34, height: 34 } },
  { selector: "node.expanded", style: { "border-width": 2, "border-color": "#111827", "border-style": "dashed" } },
  { selector: "node:selected", style: { "overlay-color": "#f59e0b", "overlay-opacity": 0.3 } },
  { selector: "edge", style: {
      width: 1.5, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
      "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(caption)",
      "font-size": 8, color: "#52606d", "text-rotation": "autorotate",
      "text-background-color": "#ffffff", "text-background-opacity": 0.8 } },
];

const LAYOUT = { name: "cose", animate: false, nodeDimensionsIncludeLabels: true, padding: 20 };

function button(text) {
  return Object.assign(document.createElement("button"), { type: "button", textContent: text });
}

function download(name, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function fileStem(data) {
  return `screengraph-${String(data.center || "graph").replace(/[^\w-]+/g, "-")}`;
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try { message = (await response.json()).error.message || message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response.json();
}

// Arrow keys pan, +/- zoom, 0 fits: the canvas is focusable, so it should do something.
function keyboardControls(container, cy) {
  if (!container.hasAttribute("tabindex")) container.tabIndex = 0;
  if (!container.hasAttribute("aria-label")) {
    container.setAttribute("aria-label", "Graph of the entities listed on this page; arrow keys pan, plus and minus zoom");
  }
  container.addEventListener("keydown", (event) => {
    if (event.target !== container) return;
    const step = 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const centre = { x: cy.width() / 2, y: cy.height() / 2 };
    if (moves[event.key]) cy.panBy({ x: moves[event.key][0], y: moves[event.key][1] });
    else if (event.key === "+" || event.key === "=") cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: centre });
    else if (event.key === "-") cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: centre });
    else if (event.key === "0") cy.fit(undefined, 20);
    else return;
    event.preventDefault();
  });
}

export function drawGraph(container, data) {
  container.textContent = "";
  container.classList.add("graph-ready");
  const canvas = document.createElement("div");
  canvas.className = "graph-canvas";
  container.appendChild(canvas);

  const caption = document.createElement("p");
  caption.className = "graph-caption";
  caption.setAttribute("aria-live", "polite");
  const tools = document.createElement("div");
  tools.className = "graph-tools";
  const png = button("Export PNG");
  const svgButton = button("Export SVG");
  const fit = button("Fit");
  const hint = document.createElement("span");
  hint.className = "graph-hint";
  hint.textContent = "Click a node to open it; double-click to expand it.";
  tools.append(png, svgButton, fit, hint);
  container.after(caption, tools);

  insertCytoscapeStylesheet();
  const cy = cytoscape({
    container: canvas, elements: toElements(data), style: STYLE, layout: LAYOUT,
    minZoom: 0.1, maxZoom: 4,  // the default wheel speed: a custom one logs a warning
  });
  if (data.center) cy.getElementById(data.center).addClass("center");
  let total = knownTotal(data.total ?? 0, data.shown ?? cy.nodes().length);
  const showCaption = (extra = "") => { caption.textContent = captionText(cy.nodes().length, total) + extra; };
  showCaption();
  keyboardControls(container, cy);

  // A double-click also fires two taps: wait a moment before following the link.
  let clickTimer = null;
  cy.on("tap", "node", (event) => {
    const url = event.target.data("url");
    clearTimeout(clickTimer);
    clickTimer = setTimeout(() => { if (url) window.location.assign(url); }, 300);
  });
  cy.on("dbltap", "node", async (event) => {
    clearTimeout(clickTimer);
    const node = event.target;
    const url = node.data("url");
    if (!url || node.hasClass("expanded")) return;
    showCaption(" — expanding…");
    try {
      const more = await fetchJson(graphUrl(url, 1));
      const added = cy.add(newElements(more, (id) => !cy.getElementById(id).empty()));
      node.addClass("expanded");
      total = knownTotal(total, cy.nodes().length, more);
      if (added.length) cy.layout(LAYOUT).run();
      showCaption();
    } catch (error) {
      showCaption(` — could not expand ${node.data("name")}: ${error.message}`);
    }
  });
  cy.on("mouseover", "node", () => { canvas.style.cursor = "pointer"; });
  cy.on("mouseout", "node", () => { canvas.style.cursor = ""; });

  png.addEventListener("click", () => {
    download(`${fileStem(data)}.png`, cy.png({ full: true, output: "blob", bg: "#ffffff", scale: 2 }));
  });
  svgButton.addEventListener("click", () => {
    download(`${fileStem(data)}.svg`, new Blob([cy.svg({ full: true, bg: "#ffffff" })], { type: "image/svg+xml" }));
  });
  fit.addEventListener("click", () => cy.fit(undefined, 20));
  container.cy = cy;
  return cy;
}

async function graphData(container) {
  const inline = container.querySelector("script.graph-data");
  if (inline) return JSON.parse(inline.textContent);
  if (container.dataset.graphSrc) return fetchJson(container.dataset.graphSrc);
  return null;
}

export async function enhanceGraphViews(root = document) {
  const pending = [];
  for (const container of root.querySelectorAll(".graph-view")) {
    if (container.dataset.enhanced) continue;
    container.dataset.enhanced = "1";
    pending.push(graphData(container).then((data) => {
      if (!data) return;
      if (!(data.nodes || []).length) {
        container.classList.add("graph-empty");
        container.textContent = "Nothing to draw: no entities here.";
        return;
      }
      drawGraph(container, data);
    }).catch((error) => {
      container.classList.add("graph-empty");
      container.textContent = `The graph could not be drawn (${error.message}).`;
    }));
  }
  await Promise.all(pending);
}
