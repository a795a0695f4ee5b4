// The Cypher console: CodeMirror 6 with Cypher highlighting and completion from the live
// schema, Ctrl/Cmd-Enter to run, results as table / graph / JSON, CSV and JSON downloads,
// and a history kept in localStorage. Without JavaScript the form posts to /console.
import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage } from "@codemirror/language";
import { Prec } from "@codemirror/state";
import { cypher } from "@codemirror/legacy-modes/mode/cypher";
import { keymap } from "@codemirror/view";
import { EditorView, basicSetup } from "codemirror";
import { cellText, entityUrl, isNode, pushHistory, toCsv } from "./cells.js";
import { drawGraph } from "./graph-view.js";

const HISTORY_KEY = "screengraph.console.history";

function loadHistory() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch { return []; }
}

function schemaCompletions(schema) {
  const options = [
    ...schema.labels.map((l) => ({ label: l, type: "class", detail: "label" })),
    ...schema.relationshipTypes.map((r) => ({ label: r, type: "type", detail: "relationship" })),
    ...schema.propertyKeys.map((p) => ({ label: p, type: "property", detail: "property" })),
    ...schema.functions.map((f) => ({ label: f, type: "function", apply: `${f}(` })),
    ...schema.procedures.map((p) => ({ label: p, type: "namespace", detail: "procedure" })),
  ];
  return (context) => {
    const word = context.matchBefore(/[\w.]+/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options, validFor: /^[\w.]*$/ };
  };
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
}

function renderCell(value) {
  if (isNode(value) && value.key) {
    return el("a", { href: entityUrl(value.label, value.key) }, cellText(value));
  }
  return document.createTextNode(cellText(value));
}

export function renderResults(target, data) {
  target.textContent = "";
  if (data.error) {
    const box = el("div", { className: "error-box", role: "alert" });
    box.appendChild(el("p", {}, data.error.message));
    target.appendChild(box);
    return;
  }
  const rows = data.rows.length;
  const summary = `${rows} row${rows === 1 ? "" : "s"} in ${data.elapsed_ms.toFixed(1)} ms` +
    (data.truncated ? " — truncated at the row cap" : "");
  target.appendChild(el("p", { className: "result-summary" }, summary));

  const tabs = el("div", { className: "tabs", role: "tablist" });
  const panels = {};
  for (const name of ["Table", "Graph", "JSON"]) {
    const tab = el("button", { type: "button", role: "tab", className: "tab" }, name);
    tab.dataset.tab = name;
    tabs.appendChild(tab);
    panels[name] = el("div", { className: "tab-panel", role: "tabpanel" });
  }
  const tools = el("div", { className: "result-tools" });
  const csv = el("button", { type: "button" }, "Download CSV");
  const json = el("button", { type: "button" }, "Download JSON");
  tools.append(csv, json);
  target.append(tabs, tools, ...Object.values(panels));

  const scroll = el("div", { className: "table-scroll" });
  const table = el("table");
  const head = table.createTHead().insertRow();
  for (const column of data.columns) head.appendChild(el("th", { scope: "col" }, column));
  const body = table.createTBody();
  for (const row of data.rows) {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().appendChild(renderCell(value));
  }
  scroll.appendChild(table);
  panels.Table.appendChild(scroll);
  panels.JSON.appendChild(el("pre", { className: "json" }, JSON.stringify(data, null, 2)));

  let graphDrawn = false;
  const show = (name) => {
    for (const tab of tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
    for (const [key, panel] of Object.entries(panels)) panel.hidden = key !== name;
    if (name === "Graph" && !graphDrawn) {
      graphDrawn = true;
      const graph = data.graph || { nodes: [], edges: [] };
      if (!graph.nodes.length) {
        panels.Graph.appendChild(el("p", {}, "No nodes in these results: return nodes or paths to see a graph."));
      } else {
        const holder = el("div", { className: "graph-view" });
        panels.Graph.appendChild(holder);
        drawGraph(holder, graph);
      }
    }
  };
  tabs.addEventListener("click", (event) => { if (event.target.dataset.tab) show(event.target.dataset.tab); });
  csv.addEventListener("click", () => download("results.csv", "text/csv", toCsv(data.columns, data.rows)));
  json.addEventListener("click", () => download("results.json", "application/json", JSON.stringify(data, null, 2)));
  show("Table");
}

export async function enhanceConsole(root = document) {
  const form = root.querySelector("form.cypher-console");
  if (!form) return;
  const textarea = form.querySelector("textarea[name=query]");
  const results = document.querySelector(".console-results");
  let schema = { labels: [], relationshipTypes: [], propertyKeys: [], functions: [], procedures: [] };
  try { schema = await (await fetch("/schema.json")).json(); } catch { /* completion without schema */ }

  const submit = () => { form.requestSubmit(); return true; };
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      StreamLanguage.define(cypher),
      autocompletion({ override: [schemaCompletions(schema)] }),
      Prec.highest(keymap.of([{ key: "Mod-Enter", run: submit }])),
      EditorView.updateListener.of((update) => { if (update.docChanged) textarea.value = update.state.doc.toString(); }),
      EditorView.contentAttributes.of({ "aria-label": "Cypher query" }),
    ],
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  form.editor = view;

  const historyList = el("ol", { className: "history" });
  const historyBox = el("details", { className: "history-box" });
  historyBox.appendChild(el("summary", {}, "History"));
  historyBox.appendChild(historyList);
  form.after(historyBox);
  const drawHistory = () => {
    historyList.textContent = "";
    for (const query of loadHistory()) {
      const item = el("li");
      const button = el("button", { type: "button", className: "link" }, query);
      button.addEventListener("click", () => {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: query } });
        view.focus();
      });
      item.appendChild(button);
      historyList.appendChild(item);
    }
  };
  drawHistory();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    textarea.value = view.state.doc.toString();
    localStorage.setItem(HISTORY_KEY, JSON.stringify(pushHistory(loadHistory(), textarea.value)));
    drawHistory();
    results.textContent = "Running…";
    try {
      const response = await fetch("/console.json", { method: "POST", body: new FormData(form),
        headers: { Accept: "application/json" } });
      const payload = await response.json();
      renderResults(results, payload.error ? payload : payload.results);
    } catch (error) {
      renderResults(results, { error: { message: `The query could not be sent: ${error.message}` } });
    }
  });
}
