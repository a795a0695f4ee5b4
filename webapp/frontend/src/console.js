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
import { siteUrl } from "./site.js";
import { consoleOutcome, consolePermalink, offsetOf, pushHistory, removeQuery, saveQuery } from "./cells.js";
import { cypherCompletionSource, EMPTY_SCHEMA } from "./cypher-completion.js";
import { el, renderResults, setEntityLabels } from "./results-view.js";

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

// A form posting the query that ran (its text, parameters and the CSRF token, as they were
// when it ran) to /console/export: the server runs it again and answers with a file.
export function graphDownloadForm(consoleForm, formats) {
  const form = el("form", { method: "post", action: siteUrl("/console/export"), className: "graph-download" });
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
    const response = await fetch(siteUrl("/schema.json"), { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : EMPTY_SCHEMA;
  } catch { return EMPTY_SCHEMA; }  // the editor still works, without schema suggestions
}

export function enhanceConsole(root = document) {
  const form = root.querySelector("form.cypher-console");
  if (!form || form.editor) return;
  setEntityLabels(JSON.parse(form.dataset.entityLabels || "[]"));
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
  const permalink = () => consolePermalink(form.getAttribute("action") || siteUrl("/console"), { ...ranWith, view: chosenView() });
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
      const response = await fetch(siteUrl("/console.json"), {
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
