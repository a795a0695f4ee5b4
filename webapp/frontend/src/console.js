// The Cypher console, for `form.cypher-console` (textareas `query` and `params`, hidden
// `csrf_token`) and `.console-results`: CodeMirror 6 with the Cypher mode of
// @codemirror/legacy-modes and completion from /schema.json, Ctrl/Cmd-Enter to run,
// results as Table / Graph / JSON tabs, CSV and JSON downloads of the table, a download of
// the nodes found and the relationships among them (POST /console/export, in the formats
// the form's `data-export-formats` lists), and a history in
// localStorage, named saved queries beside it, a permalink for every query run (its text,
// parameters and view: /console?query=…&params=…&view=Graph), and syntax errors marked
// where the server says they are. Without JavaScript the form posts to /console and the
// server renders.
import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { setDiagnostics } from "@codemirror/lint";
import { cypher } from "@codemirror/legacy-modes/mode/cypher";
import { Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { cspNonce } from "./csp.js";
import {
  cellSegments, consoleOutcome, consolePermalink, offsetOf, pushHistory, removeQuery, resultSummary, saveQuery, toCsv,
} from "./cells.js";
import { cypherCompletionSource, EMPTY_SCHEMA } from "./cypher-completion.js";
import { drawGraph } from "./graph-view.js";

const HISTORY_KEY = "screengraph.console.history";
const SAVED_KEY = "screengraph.console.saved";
let uid = 0;

function loadList(key, keep) {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "[]");
    return Array.isArray(saved) ? saved.filter(keep) : [];
  } catch { return []; }
}

function storeList(key, list) {
  try { localStorage.setItem(key, JSON.stringify(list)); } catch { /* private mode, full */ }
}

const loadHistory = () => loadList(HISTORY_KEY, (q) => typeof q === "string");
const saveHistory = (history) => storeList(HISTORY_KEY, history);
const loadSaved = () => loadList(SAVED_KEY, (s) => s && typeof s.name === "string" && typeof s.query === "string");

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

// Named queries kept in this browser: save what the editor holds, load or forget one.
function savedPanel(form, current, load) {
  const box = el("details", { className: "saved-box" });
  box.appendChild(el("summary", {}, "Saved queries"));
  const id = `saved-name-${++uid}`;
  const row = el("div", { className: "saved-form" });
  const name = el("input", { id, type: "text", maxLength: 200, placeholder: "A name for this query" });
  const save = el("button", { type: "button" }, "Save");
  row.append(el("label", { htmlFor: id }, "Name"), name, save);
  const list = el("ul", { className: "saved" });
  box.append(row, list);
  form.after(box);
  const draw = () => {
    list.textContent = "";
    const saved = loadSaved();
    if (!saved.length) list.appendChild(el("li", { className: "empty" }, "Name a query and save it to find it here."));
    for (const entry of saved) {
      const item = el("li");
      const pick = el("button", { type: "button", className: "link", title: entry.query }, entry.name);
      pick.addEventListener("click", () => load(entry.query, entry.params));
      const forget = el("button", { type: "button", className: "link forget" }, "Delete");
      forget.setAttribute("aria-label", `Delete the saved query ${entry.name}`);
      forget.addEventListener("click", () => { storeList(SAVED_KEY, removeQuery(loadSaved(), entry.name)); draw(); });
      item.append(pick, " ", forget);
      list.appendChild(item);
    }
  };
  const doSave = () => {
    if (!name.value.trim()) { name.focus(); return; }
    storeList(SAVED_KEY, saveQuery(loadSaved(), { name: name.value, ...current() }));
    name.value = "";
    draw();
  };
  save.addEventListener("click", doSave);
  name.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); doSave(); } });
  draw();
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

  const load = (query, paramsText) => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: query } });
    if (params && paramsText !== undefined) params.value = paramsText;
    view.focus();
  };
  const drawHistory = historyPanel(form, load);
  savedPanel(form, () => ({ query: view.state.doc.toString(), params: params ? params.value : "" }), load);

  // The view the results open in, kept in the form (and so in the permalink).
  const viewField = form.querySelector("input[name=view]");
  const chosenView = () => (viewField ? viewField.value : "Table");
  const ranWith = { query: textarea.value, params: params ? params.value : "" };
  const permalink = () => consolePermalink(form.getAttribute("action") || "/console", { ...ranWith, view: chosenView() });
  const remember = () => {
    const hash = chosenView() === "Graph" ? window.location.hash : "";
    window.history.replaceState(window.history.state, "", permalink() + hash);
  };
  const onView = (name) => {
    if (viewField) viewField.value = name;
    if (results.querySelector(".permalink")) {
      results.querySelector(".permalink").href = permalink();
      remember();
    }
  };
  results.showPosition = (position) => {
    const at = offsetOf(view.state.doc.toString(), position.line, position.column);
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    view.focus();
  };
  const markError = (error) => {
    if (!error?.position) { view.dispatch(setDiagnostics(view.state, [])); return; }
    const text = view.state.doc.toString();
    const from = offsetOf(text, error.position.line, error.position.column);
    const to = Math.min(text.length, from + Math.max(1, (text.slice(from).match(/^\S+/) || [""])[0].length));
    view.dispatch(setDiagnostics(view.state, [{ from, to: Math.max(to, from), severity: "error", message: error.message }]));
  };
  const show = (outcome) => {
    renderResults(results, outcome, { view: chosenView(), onView, link: outcome.results ? permalink() : null });
    markError(outcome.error);
    if (outcome.results?.graph?.total && exportFormats.length) {
      results.querySelector(".result-tools")?.after(graphDownloadForm(form, exportFormats));
    }
  };
  // What the server ran for this page (a permalink opened, a form posted without us).
  const served = document.querySelector("script.console-outcome");
  if (served) {
    try { show(consoleOutcome(JSON.parse(served.textContent))); } catch { /* keep the server's table */ }
  }

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
    ranWith.query = textarea.value;
    ranWith.params = params ? params.value : "";
    if (outcome.results) window.history.replaceState(window.history.state, "", permalink());
    show(outcome);
  });
}
