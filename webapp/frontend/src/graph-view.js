// Interactive neighbourhood graphs with Cytoscape.js: click opens, double-click expands,
// "showing N of M", PNG and SVG export. Data: {nodes, edges, shown, total, center}.
import cytoscape from "cytoscape";
import svg from "cytoscape-svg";

cytoscape.use(svg);

const STYLE = [
  { selector: "node", style: {
      label: "data(name)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
      "text-wrap": "ellipsis", "text-max-width": 120, width: 26, height: 26, color: "#1f2933" } },
  { selector: 'node[label = "Show"]', style: { "background-color": "#2563eb", shape: "round-rectangle" } },
  { selector: 'node[label = "Person"]', style: { "background-color": "#d97706", shape: "ellipse" } },
  { selector: 'node[label = "Company"]', style: { "background-color": "#059669", shape: "diamond" } },
  { selector: 'node[label = "Genre"]', style: { "background-color": "#7c3aed", shape: "hexagon" } },
  { selector: "node.center", style: { "border-width": 4, "border-color": "#111827" } },
  { selector: "edge", style: {
      width: 1.5, "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1",
      "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(caption)",
      "font-size": 8, color: "#52606d", "text-rotation": "autorotate" } },
];

function elements(data) {
  const nodes = (data.nodes || []).map((n) => ({ data: { id: n.id || `${n.key}@${n.label}`, ...n } }));
  const edges = (data.edges || []).map((e) => ({
    data: {
      id: `${e.source}|${e.type}|${e.target}|${e.role || ""}`, source: e.source, target: e.target,
      caption: e.role ? `${e.type} (${e.role})` : e.type,
    },
  }));
  return [...nodes, ...edges];
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

export function drawGraph(container, data) {
  container.textContent = "";
  const canvas = document.createElement("div");
  canvas.className = "graph-canvas";
  container.appendChild(canvas);
  const caption = document.createElement("p");
  caption.className = "graph-caption";
  const tools = document.createElement("div");
  tools.className = "graph-tools";
  const png = Object.assign(document.createElement("button"), { type: "button", textContent: "Export PNG" });
  const svgButton = Object.assign(document.createElement("button"), { type: "button", textContent: "Export SVG" });
  tools.append(png, svgButton);
  container.after(caption);
  caption.after(tools);

  let total = data.total || (data.nodes || []).length;
  const cy = cytoscape({ container: canvas, elements: elements(data), style: STYLE, wheelSensitivity: 0.3 });
  if (data.center) cy.getElementById(data.center).addClass("center");
  const relayout = () => cy.layout({ name: "cose", animate: false, nodeDimensionsIncludeLabels: true }).run();
  const updateCaption = () => {
    const shown = cy.nodes().length;
    caption.textContent = shown < total ? `Showing ${shown} of ${total} entities` : `Showing all ${shown} entities`;
  };
  relayout();
  updateCaption();

  let clickTimer = null;
  cy.on("tap", "node", (event) => {
    const url = event.target.data("url");
    clearTimeout(clickTimer);
    clickTimer = setTimeout(() => { if (url) window.location.assign(url); }, 300);
  });
  cy.on("dbltap", "node", async (event) => {
    clearTimeout(clickTimer);
    const url = event.target.data("url");
    if (!url) return;
    const response = await fetch(`${url}/graph.json?depth=1`, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const more = await response.json();
    const before = cy.nodes().length;
    cy.add(elements(more).filter((el) => cy.getElementById(el.data.id).empty()));
    total += cy.nodes().length - before + Math.max(0, (more.total || 0) - (more.shown || 0));
    relayout();
    updateCaption();
  });
  png.addEventListener("click", () => {
    download("screengraph.png", cy.png({ full: true, output: "blob", bg: "#ffffff" }));
  });
  svgButton.addEventListener("click", () => {
    download("screengraph.svg", new Blob([cy.svg({ full: true, bg: "#ffffff" })], { type: "image/svg+xml" }));
  });
  container.cy = cy;
  return cy;
}

export async function enhanceGraphViews(root = document) {
  for (const container of root.querySelectorAll(".graph-view")) {
    if (container.dataset.enhanced) continue;
    container.dataset.enhanced = "1";
    const inline = container.querySelector("script.graph-data");
    try {
      let data;
      if (inline) {
        data = JSON.parse(inline.textContent);
      } else if (container.dataset.graphSrc) {
        const response = await fetch(container.dataset.graphSrc, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        data = await response.json();
      } else {
        continue;
      }
      drawGraph(container, data);
    } catch (error) {
      container.textContent = `The graph could not be drawn (${error.message}).`;
    }
  }
}
