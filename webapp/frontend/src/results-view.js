// Query results as Table / Graph / JSON tabs with CSV and JSON downloads: the console's
// answers and the canned queries' alike. Every value goes in as text (textContent).
import { cellSegments, consoleOutcome, resultSummary, toCsv } from "./cells.js";
import { drawGraph } from "./graph-view.js";

let uid = 0;

export function el(tag, attrs = {}, text) {
  const node = Object.assign(document.createElement(tag), attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

export function download(name, type, text) {
  const link = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// Labels that have entity pages (the server's schema), set by the page that renders.
let entityLabels = new Set();

export function setEntityLabels(labels) {
  entityLabels = new Set(labels);
}

// Every value goes in as text: names and titles may hold markup on purpose.
function renderCell(td, value) {
  for (const { text, href } of cellSegments(value, entityLabels)) {
    td.appendChild(href ? el("a", { href }, text) : document.createTextNode(text));
  }
}

function renderError(target, error) {
  const box = el("div", { className: "error-box", role: "alert" });
  box.appendChild(el("p", {}, error.message));
  if (error.position && target.showPosition) {
    const where = el("button", { type: "button", className: "link show-position" },
      `Show line ${error.position.line}, column ${error.position.column} in the editor`);
    where.addEventListener("click", () => target.showPosition(error.position));
    box.appendChild(where);
  }
  if (error.code) box.appendChild(el("p", { className: "error-code" }, `${error.code} (HTTP ${error.status})`));
  target.appendChild(box);
}

function renderTable(results) {
  const scroll = el("div", { className: "table-scroll" });
  const table = el("table");
  const head = table.createTHead().insertRow();
  for (const column of results.columns) head.appendChild(el("th", { scope: "col" }, String(column)));
  const body = table.createTBody();
  for (const row of results.rows) {
    const tr = body.insertRow();
    for (const value of row) renderCell(tr.insertCell(), value);
  }
  scroll.appendChild(table);
  return scroll;
}

// ARIA tabs: arrow keys move between tabs, only the selected one is in the tab order.
function tabset(names) {
  const id = `results-${++uid}`;
  const list = el("div", { className: "tabs", role: "tablist" });
  list.setAttribute("aria-label", "Show results as");
  const tabs = {};
  const panels = {};
  for (const name of names) {
    const tab = el("button", { type: "button", className: "tab", id: `${id}-tab-${name}` }, name);
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", `${id}-panel-${name}`);
    tab.dataset.tab = name;
    const panel = el("div", { className: "tab-panel", id: `${id}-panel-${name}`, tabIndex: 0 });
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    list.appendChild(tab);
    tabs[name] = tab;
    panels[name] = panel;
  }
  let onShow = () => {};
  const select = (name, focus = false) => {
    for (const [key, tab] of Object.entries(tabs)) {
      const on = key === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      panels[key].hidden = !on;
    }
    if (focus) tabs[name].focus();
    onShow(name);
  };
  list.addEventListener("click", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (tab) select(tab.dataset.tab);
  });
  list.addEventListener("keydown", (event) => {
    const i = names.indexOf(event.target.dataset.tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: names.length - 1 }[event.key];
    if (to === undefined || i < 0) return;
    event.preventDefault();
    select(names[(to + names.length) % names.length], true);
  });
  return { list, panels, select, onShow: (fn) => { onShow = fn; } };
}

export const VIEWS = ["Table", "Graph", "JSON"];

// `options.view`: the tab to open; `options.onView(name)`: told when another is chosen;
// `options.link`: the permalink of what ran, offered beside the downloads.
export function renderResults(target, outcome, options = {}) {
  target.textContent = "";
  if (outcome.error) { renderError(target, outcome.error); return; }
  const results = outcome.results;
  target.appendChild(el("p", { className: "result-summary" }, resultSummary(results)));

  const tabs = tabset(VIEWS);
  const tools = el("div", { className: "result-tools" });
  const csv = el("button", { type: "button" }, "Download CSV");
  const json = el("button", { type: "button" }, "Download JSON");
  tools.append(csv, json);
  if (options.link) tools.appendChild(el("a", { href: options.link, className: "permalink" }, "Link to this query"));
  target.append(tabs.list, tools, ...Object.values(tabs.panels));

  tabs.panels.Table.appendChild(renderTable(results));
  tabs.panels.JSON.appendChild(el("pre", { className: "json" }, JSON.stringify(results, null, 2)));

  // Cytoscape needs a visible box to lay out in: draw the graph when its tab opens.
  let graphDrawn = false;
  tabs.onShow((name) => {
    options.onView?.(name);
    if (name !== "Graph" || graphDrawn) return;
    graphDrawn = true;
    const graph = results.graph;
    if (!graph.nodes || !graph.nodes.length) {
      tabs.panels.Graph.appendChild(el("p", { className: "empty" },
        "No nodes in these results: return nodes or paths to see a graph."));
      return;
    }
    const holder = el("div", { className: "graph-view" });
    holder.setAttribute("aria-label", "The nodes and relationships in these results");
    tabs.panels.Graph.appendChild(holder);
    drawGraph(holder, graph);
  });
  csv.addEventListener("click", () => download("results.csv", "text/csv;charset=utf-8", toCsv(results.columns, results.rows)));
  json.addEventListener("click", () => download("results.json", "application/json", JSON.stringify(results, null, 2)));
  tabs.select(VIEWS.includes(options.view) ? options.view : "Table");
}


// A canned query's page: the results the server rendered (`script.canned-outcome`) as tabs.
export function enhanceCannedResults(root = document) {
  const data = root.querySelector("script.canned-outcome");
  if (!data || data.dataset.enhanced) return;
  data.dataset.enhanced = "1";
  setEntityLabels(JSON.parse(data.dataset.entityLabels || "[]"));
  const target = data.closest(".canned-results");
  const outcome = consoleOutcome(JSON.parse(data.textContent));
  const view = new URLSearchParams(window.location.search).get("view") || "Table";
  renderResults(target, outcome, {
    view,
    onView: (name) => {
      const url = new URL(window.location.href);
      if (name === "Table") url.searchParams.delete("view"); else url.searchParams.set("view", name);
      if (name !== "Graph") url.hash = "";
      window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    },
  });
}
