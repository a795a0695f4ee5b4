// Interactive neighbourhood graphs with Cytoscape.js, for `.graph-view` elements:
//   <div class="graph-view" data-graph-src="/show/the-bureau/graph.json"></div>
// or with the data inline (query result pages):
//   <div class="graph-view"><script type="application/json" class="graph-data">{...}</script></div>
// A click (or N / P on the keyboard) selects a node and shows it in the side panel; opening
// its page (Enter) and expanding it (E, or double-click) are explicit. Expanding brings its
// neighbours best connected first, a page at a time ("More"). The caption says how many are
// shown of how many; the layout and expansions are kept in the URL's hash (a permalink).
// PNG and SVG export. Without JavaScript the page's own list of links stands in.
import cytoscape from "cytoscape";
import svg from "cytoscape-svg";
import { insertCytoscapeStylesheet } from "./csp.js";
import {
  captionText, decodeView, encodeView, hashField, NEIGHBOURS_PAGE, neighboursUrl, newElements,
  stepSelection, toElements, withHashField,
} from "./graph-data.js";

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

// Arrow keys pan, +/- zoom, 0 fits; N / P select the next / previous node (left to right),
// Enter opens it, E expands it, Escape clears the selection.
function keyboardControls(container, cy, actions) {
  if (!container.hasAttribute("tabindex")) container.tabIndex = 0;
  container.setAttribute("aria-keyshortcuts", "N P Enter E Escape");
  container.setAttribute("aria-description",
    "N and P select the next and previous node, Enter opens it, E expands it; arrow keys pan, plus and minus zoom, 0 fits.");
  container.addEventListener("keydown", (event) => {
    if (event.target !== container || event.ctrlKey || event.metaKey || event.altKey) return;
    const step = 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const centre = { x: cy.width() / 2, y: cy.height() / 2 };
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (moves[key]) cy.panBy({ x: moves[key][0], y: moves[key][1] });
    else if (key === "+" || key === "=") cy.zoom({ level: cy.zoom() * 1.2, renderedPosition: centre });
    else if (key === "-") cy.zoom({ level: cy.zoom() / 1.2, renderedPosition: centre });
    else if (key === "0") cy.fit(undefined, 20);
    else if (key === "n") actions.step(1);
    else if (key === "p") actions.step(-1);
    else if (key === "Enter") actions.open();
    else if (key === "e") actions.expand();
    else if (key === "Escape") actions.clear();
    else return;
    event.preventDefault();
  });
}

const HASH_FIELD = "graph";
// Pages of neighbours "More" passes over when they bring no one new (all drawn already).
const MAX_PAGES_PASSED = 8;

function panelPart(tag, className, text) {
  const part = document.createElement(tag);
  part.className = className;
  if (text !== undefined) part.textContent = text;
  return part;
}

// `options.permalink`: this view reads and writes the URL's hash (one view per page does).
export function drawGraph(container, data, options = {}) {
  const permalink = options.permalink !== false;
  container.textContent = "";
  container.classList.add("graph-ready");
  const canvas = document.createElement("div");
  canvas.className = "graph-canvas";
  const panel = panelPart("aside", "graph-panel");
  panel.setAttribute("aria-live", "polite");
  panel.setAttribute("aria-label", "Selected entity");
  const figure = panelPart("div", "graph-layout");
  container.after(figure);
  figure.append(container, panel);
  container.appendChild(canvas);
  container.setAttribute("role", "application");
  container.setAttribute("aria-roledescription", "graph");

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
  hint.textContent = "Click a node (or press N / P) to select it; Enter opens it, E or a double-click expands it.";
  tools.append(png, svgButton, fit, hint);
  figure.after(caption, tools);

  insertCytoscapeStylesheet();
  const saved = permalink ? decodeView(hashField(window.location.hash, HASH_FIELD)) : null;
  const cy = cytoscape({
    container: canvas, elements: toElements(data), style: STYLE,
    layout: saved ? { name: "preset" } : LAYOUT,
    minZoom: 0.1, maxZoom: 4,  // the default wheel speed: a custom one logs a warning
  });
  if (data.center) cy.getElementById(data.center).addClass("center");
  // Pages of neighbours fetched per expanded node: {pages, next, total}, in the order asked.
  const expansions = new Map();
  const baseTotal = data.total ?? data.shown ?? cy.nodes().length;

  const hubs = () => [...expansions.entries()].map(([id, e]) => ({
    name: cy.getElementById(id).data("name"), shown: cy.getElementById(id).neighborhood("node").length, total: e.total,
  }));
  const showCaption = (extra = "") => {
    caption.textContent = captionText(cy.nodes().length, expansions.size ? null : baseTotal, hubs()) + extra;
  };

  // The hash changes only once the reader does something (a page's own URL stays clean).
  let touched = Boolean(saved);
  const touch = () => { touched = true; };
  canvas.addEventListener("wheel", touch, { passive: true });
  canvas.addEventListener("pointerdown", touch);
  container.addEventListener("keydown", touch);
  let saveTimer = null;
  const save = () => {
    if (!permalink || !touched) return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      const selected = cy.nodes(":selected").first();
      const view = encodeView({
        expanded: [...expansions.entries()].map(([id, e]) => [id, e.pages]),
        selected: selected.nonempty() ? selected.id() : null,
        positions: cy.nodes().map((n) => [n.position("x"), n.position("y")]),
        zoom: cy.zoom(), pan: cy.pan(),
      });
      const hash = withHashField(window.location.hash, HASH_FIELD, view);
      window.history.replaceState(window.history.state, "", `${window.location.pathname}${window.location.search}${hash}`);
      container.dataset.saved = "1";
    }, 150);
  };

  // The next page of a node's neighbours that brings someone new (pages of neighbours
  // already drawn are passed over, a few at most): new nodes start round it, then the
  // layout settles.
  const expand = async (node, { relayout = true, pages = null } = {}) => {
    const url = node.data("url");
    if (!url) return;
    const state = expansions.get(node.id()) || { pages: 0, next: 0, total: null };
    if (state.next == null) return;
    showCaption(` — bringing neighbours of ${node.data("name")}…`);
    let fresh = [];
    for (let asked = 0; state.next != null && (pages == null ? !fresh.length && asked < MAX_PAGES_PASSED : asked < pages); asked += 1) {
      const more = await fetchJson(neighboursUrl(url, state.next, NEIGHBOURS_PAGE));
      fresh = fresh.concat(newElements(more, (id) => !cy.getElementById(id).empty() || fresh.some((el) => el.data.id === id)));
      state.pages += 1;
      state.next = more.next_offset ?? null;
      state.total = more.total;
    }
    const centre = node.position();
    const freshNodes = fresh.filter((el) => el.group === "nodes");
    freshNodes.forEach((el, i) => {
      const angle = (2 * Math.PI * i) / Math.max(freshNodes.length, 1);
      el.position = { x: centre.x + 120 * Math.cos(angle), y: centre.y + 120 * Math.sin(angle) };
    });
    cy.add(fresh);
    expansions.set(node.id(), state);
    node.addClass("expanded");
    if (relayout && freshNodes.length) {
      await new Promise((done) => {
        const layout = cy.layout({ ...LAYOUT, randomize: false, fit: false });
        layout.one("layoutstop", done);
        layout.run();
      });
    }
    showCaption();
    if (node.selected()) showPanel(node);
  };

  const tryExpand = (node) => { touch(); return expand(node).catch((error) => {
    showCaption(` — could not expand ${node.data("name")}: ${error.message}`);
  }).then(save); };

  function showPanel(node) {
    panel.textContent = "";
    if (!node || node.empty()) {
      panel.appendChild(panelPart("p", "graph-panel-empty", "Select a node to see it here."));
      return;
    }
    panel.appendChild(panelPart("h3", "graph-panel-name", node.data("name")));
    panel.appendChild(panelPart("p", "graph-panel-label", node.data("label")));
    const state = expansions.get(node.id());
    const drawn = node.neighborhood("node").length;
    panel.appendChild(panelPart("p", "graph-panel-neighbours", state
      ? `${drawn} of ${state.total} neighbours shown`
      : `${drawn} neighbour${drawn === 1 ? "" : "s"} shown`));
    const actions = panelPart("div", "graph-panel-actions");
    const url = node.data("url");
    if (url) {
      const open = panelPart("a", "graph-open", "Open page");
      open.href = url;
      actions.appendChild(open);
      if (!state || (state.next != null && drawn < state.total)) {
        const grow = button(state ? "More neighbours" : "Expand");
        grow.className = "graph-expand";
        grow.addEventListener("click", () => tryExpand(node));
        actions.appendChild(grow);
      }
    }
    panel.appendChild(actions);
  }

  const select = (node) => {
    cy.nodes(":selected").unselect();
    if (node && node.nonempty()) {
      node.select();
      const at = node.renderedPosition();
      if (at.x < 0 || at.y < 0 || at.x > cy.width() || at.y > cy.height()) cy.center(node);
    }
    showPanel(node);
    save();
  };

  cy.on("tap", "node", (event) => select(event.target));
  cy.on("tap", (event) => { if (event.target === cy) select(null); });
  cy.on("dbltap", "node", (event) => tryExpand(event.target));
  cy.on("dragfree", "node", save);
  cy.on("viewport", save);
  cy.on("mouseover", "node", () => { canvas.style.cursor = "pointer"; });
  cy.on("mouseout", "node", () => { canvas.style.cursor = ""; });

  keyboardControls(container, cy, {
    step: (dir) => {
      const order = cy.nodes().sort((a, b) => a.position("x") - b.position("x") || a.position("y") - b.position("y"));
      const ids = order.map((n) => n.id());
      const current = cy.nodes(":selected").first();
      select(cy.getElementById(stepSelection(ids, current.nonempty() ? current.id() : null, dir)));
    },
    open: () => {
      const url = cy.nodes(":selected").first().data("url");
      if (url) window.location.assign(url);
    },
    expand: () => {
      const node = cy.nodes(":selected").first();
      if (node.nonempty()) tryExpand(node);
    },
    clear: () => select(null),
  });

  png.addEventListener("click", () => {
    download(`${fileStem(data)}.png`, cy.png({ full: true, output: "blob", bg: "#ffffff", scale: 2 }));
  });
  svgButton.addEventListener("click", () => {
    download(`${fileStem(data)}.svg`, new Blob([cy.svg({ full: true, bg: "#ffffff" })], { type: "image/svg+xml" }));
  });
  fit.addEventListener("click", () => cy.fit(undefined, 20));
  container.cy = cy;

  // A permalink: replay its expansions in order, then put every node where it was.
  const restore = async () => {
    for (const [id, pages] of saved.expanded) {
      const node = cy.getElementById(id);
      if (node.nonempty()) await expand(node, { relayout: false, pages });
    }
    const nodes = cy.nodes();
    if (saved.positions.length === nodes.length) {
      nodes.forEach((n, i) => n.position({ x: saved.positions[i][0], y: saved.positions[i][1] }));
      if (saved.zoom != null && saved.pan) cy.viewport({ zoom: saved.zoom, pan: saved.pan });
      else cy.fit(undefined, 20);
    } else {
      cy.layout(LAYOUT).run();  // the graph changed since the link was made
    }
    const chosen = saved.selected ? cy.getElementById(saved.selected) : null;
    if (chosen && chosen.nonempty()) { chosen.select(); showPanel(chosen); } else showPanel(null);
  };
  container.ready = (saved ? restore().catch((error) => showCaption(` — the saved view could not be restored: ${error.message}`))
    : Promise.resolve(select(data.center ? cy.getElementById(data.center) : null))).then(() => {
    showCaption();
    save();
    container.dataset.ready = "1";
  });
  showCaption();
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
  let first = true;
  for (const container of root.querySelectorAll(".graph-view")) {
    if (container.dataset.enhanced) continue;
    container.dataset.enhanced = "1";
    const permalink = first;
    first = false;
    pending.push(graphData(container).then((data) => {
      if (!data) return;
      if (!(data.nodes || []).length) {
        container.classList.add("graph-empty");
        container.textContent = "Nothing to draw: no entities here.";
        return;
      }
      drawGraph(container, data, { permalink });
    }).catch((error) => {
      container.classList.add("graph-empty");
      container.textContent = `The graph could not be drawn (${error.message}).`;
    }));
  }
  await Promise.all(pending);
}
