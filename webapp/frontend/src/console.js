// The Cypher console, for `form.cypher-console` (textareas `query` and `params`, hidden
// `csrf_token`) and `.console-results`: CodeMirror 6 with the Cypher mode of
// @codemirror/legacy-modes and completion from /schema.json, Ctrl/Cmd-Enter to run,
// results as Table / Graph / JSON tabs, CSV and JSON downloads of the table, a download of
// the nodes found and the relationships among them (POST /console/export, in the formats
// the form's `data-export-formats` lists), and a history in
// localStorage. Without JavaScript the form posts to /console and the server renders.
import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { cypher } from "@codemirror/legacy-modes/mode/cypher";
import { Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { cspNonce } from "./csp.js";
import { cellSegments, consoleOutcome, pushHistory, resultSummary, toCsv } from "./cells.js";
import { cypherCompletionSource, EMPTY_SCHEMA } from "./cypher-completion.js";
import { drawGraph } from "./graph-view.js";

const HISTORY_KEY = "screengraph.console.history";
let uid = 0;

function loadHistory() {
  try {
    const saved = JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]");
    return Array.isArray(saved) ? saved.filter((q) => typeof q === "string") : [];
  } catch { return []; }
}

function saveHistory(history) {
  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(history)); } catch { /* private mode, full */ }
}

function el(tag, attrs = {}, text) {
  const node = Object.assign(document.createElement(tag), attrs);
  if (text !== undefined) node.textContent = text;
  return node;
}

function download(name, type, text) {
  const link = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// Labels that have entity pages, from the form's data-entity-labels (the server's schema).
let entityLabels = new Set();

// Every value goes in as text: names and titles may hold markup on purpose.
function renderCell(td, value) {
  for (const { text, href } of cellSegments(value, entityLabels)) {
    td.appendChild(href ? el("a", { href }, text) : document.createTextNode(text));
  }
}

function renderError(target, error) {
  const box = el("div", { className: "error-box", role: "alert" });
  box.appendChild(el("p", {}, error.message));
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

export function renderResults(target, outcome) {
  target.textContent = "";
  if (outcome.error) { renderError(target, outcome.error); return; }
  const results = outcome.results;
  target.appendChild(el("p", { className: "result-summary" }, resultSummary(results)));

  const tabs = tabset(["Table", "Graph", "JSON"]);
  const tools = el("div", { className: "result-tools" });
  const csv = el("button", { type: "button" }, "Download CSV");
  const json = el("button", { type: "button" }, "Download JSON");
  tools.append(csv, json);
  target.append(tabs.list, tools, ...Object.values(tabs.panels));

  tabs.panels.Table.appendChild(renderTable(results));
  tabs.panels.JSON.appendChild(el("pre", { className: "json" }, JSON.stringify(results, null, 2)));

  // Cytoscape needs a visible box to lay out in: draw the graph when its tab opens.
  let graphDrawn = false;
  tabs.onShow((name) => {
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
  tabs.select("Table");
}

// A form posting the query that ran (its text, parameters and the CSRF token, as they were
// when it ran) to /console/export: the server runs it again and answers with a file.
export function graphDownloadForm(consoleForm, formats) {
  const form = el("form", { method: "post", action: "/console/export", className: "graph-download" });
  for (const name of ["csrf_token", "query", "params"]) {
    const field = consoleForm.elements.namedItem(name);
    if (field) form.appendChild(el("input", { type: "hidden", name, value: field.value }));
  }
  const id = `graph-format-${++uid}`;
  const select = el("select", { id, name: "format" });
  for (const f of formats) select.appendChild(el("option", { value: f.name }, f.title));
  form.append(el("label", { htmlFor: id }, "Nodes and relationships as "), select,
    el("button", { type: "submit" }, "Download graph"));
  return form;
}

function historyPanel(form, load) {
  const list = el("ol", { className: "history" });
  const box = el("details", { className: "history-box" });
  box.appendChild(el("summary", {}, "History"));
  box.appendChild(list);
  form.after(box);
  const draw = () => {
    list.textContent = "";
    const history = loadHistory();
    if (!history.length) list.appendChild(el("li", { className: "empty" }, "Queries you run appear here."));
    for (const query of history) {
      const item = el("li");
      const pick = el("button", { type: "button", className: "link", title: "Load into the editor" }, query);
      pick.addEventListener("click", () => load(query));
      item.appendChild(pick);
      list.appendChild(item);
    }
  };
  draw();
  return draw;
}

async function fetchSchema() {
  try {
    const response = await fetch("/schema.json", { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : EMPTY_SCHEMA;
  } catch { return EMPTY_SCHEMA; }  // the editor still works, without schema suggestions
}

export function enhanceConsole(root = document) {
  const form = root.querySelector("form.cypher-console");
  if (!form || form.editor) return;
  entityLabels = new Set(JSON.parse(form.dataset.entityLabels || "[]"));
  const exportFormats = JSON.parse(form.dataset.exportFormats || "[]");
  const textarea = form.querySelector("textarea[name=query]");
  const params = form.querySelector("textarea[name=params]");
  let results = document.querySelector(".console-results");
  if (!results) {
    results = el("div", { className: "console-results" });
    results.setAttribute("aria-live", "polite");
    form.after(results);
  }
  const submitButton = form.querySelector("button[type=submit], button:not([type])");

  let schema = EMPTY_SCHEMA;
  fetchSchema().then((s) => { schema = s; });

  const run = () => { form.requestSubmit(); return true; };
  const label = form.querySelector(`label[for="${textarea.id}"]`);
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      EditorView.cspNonce.of(cspNonce()),
      basicSetup,
      StreamLanguage.define(cypher),
      autocompletion({ override: [cypherCompletionSource(() => schema)], activateOnTyping: true }),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run }])),
      EditorView.lineWrapping,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textarea.value = update.state.doc.toString();
      }),
      EditorView.contentAttributes.of({ "aria-label": label ? label.textContent : "Cypher query" }),
    ],
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  if (label) label.addEventListener("click", () => view.focus());
  form.editor = view;

  const load = (query) => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: query } });
    view.focus();
  };
  const drawHistory = historyPanel(form, load);

  if (params) {
    params.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
  }

  let running = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    textarea.value = view.state.doc.toString();
    saveHistory(pushHistory(loadHistory(), textarea.value));
    drawHistory();
    running?.abort();
    const mine = (running = new AbortController());
    results.setAttribute("aria-busy", "true");
    results.textContent = "";
    results.appendChild(el("p", { className: "running" }, "Running…"));
    if (submitButton) submitButton.disabled = true;
    let outcome;
    try {
      const response = await fetch("/console.json", {
        method: "POST", body: new FormData(form), signal: mine.signal,
        headers: { Accept: "application/json" },
      });
      let payload = null;
      try { payload = await response.json(); } catch { /* an HTML error page */ }
      outcome = payload ? consoleOutcome(payload, response.status)
        : { error: { status: response.status, code: "bad_response", message: `The server answered HTTP ${response.status} without JSON.` } };
    } catch (error) {
      if (error.name === "AbortError") return;
      outcome = { error: { status: 0, code: "network", message: `The query could not be sent: ${error.message}` } };
    } finally {
      if (submitButton && running === mine) submitButton.disabled = false;
    }
    results.removeAttribute("aria-busy");
    renderResults(results, outcome);
    if (outcome.results?.graph?.total && exportFormats.length) {
      results.querySelector(".result-tools")?.after(graphDownloadForm(form, exportFormats));
    }
  });
}
