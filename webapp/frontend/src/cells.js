// Pure helpers for showing query results: no DOM, unit-tested with Vitest.
// The text matches the server's cell_text (screengraph/output.py), so a result reads
// the same with and without JavaScript.
import { siteUrl } from "./site.js";

export function isNode(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    "label" in value && "properties" in value;
}

export function isRelationship(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    "type" in value && "properties" in value;
}

export function entityUrl(label, key) {
  return siteUrl(`/${String(label).toLowerCase()}/${encodeURIComponent(key)}`);
}

function nodeName(node) {
  const p = node.properties || {};
  return p.title || p.name || node.key;
}

// One cell as pieces of text, some of them links: [{text, href?}]. The caller puts
// each piece in the page as text (textContent), never as HTML. Only a node of one of
// the `linkable` labels (the entity pages the server has) becomes a link: a query can
// return any map that looks like a node, e.g. {label: "/evil.example", key: "x"}.
// A map that names an entity and its page on this site (`{name, url: "/show/x"}`, what
// the canned questions return nested in their rows) is a link too, when `links` is on.
export function cellSegments(value, linkable = new Set(), links = true) {
  if (value === null || value === undefined) return [];
  if (isNode(value)) {
    const text = `${nodeName(value)} (${value.label})`;
    const link = typeof value.key === "string" && value.key && linkable.has(value.label);
    return link ? [{ text, href: entityUrl(value.label, value.key) }] : [{ text }];
  }
  if (isRelationship(value)) return [{ text: `-[:${value.type}]-` }];
  if (Array.isArray(value)) {
    const out = [];
    value.forEach((item, i) => {
      if (i > 0) out.push({ text: ", " });
      out.push(...cellSegments(item, linkable, links));
    });
    return out;
  }
  if (typeof value === "object") {
    const name = value.display || value.name || value.title;
    const named = typeof value.key === "string" && value.key && linkable.has(value.label);
    const href = sitePath(value.url) ? value.url : named ? entityUrl(value.label, value.key) : null;
    if (links && typeof name === "string" && href) return [{ text: name, href }];
    return [{ text: JSON.stringify(value) }];
  }
  return [{ text: String(value) }];
}

// A path on this site (`/show/x`), never another site (`//evil.example`) or a scheme.
export function sitePath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\");
}

// One cell as a person reads it: nodes by display name, lists joined, maps as JSON.
export function cellText(value) {
  return cellSegments(value, new Set(), false).map((s) => s.text).join("");
}

// A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading
// apostrophe, as screengraph/output.py's csv_cell does for `screengraph --csv`.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(text) {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function csvField(value) {
  const text = csvCell(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// RFC 4180 CSV of the table as shown (cell text, not raw JSON), like `screengraph --csv`.
export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvField(String(c))).join(",")];
  for (const row of rows) lines.push(row.map((v) => csvField(cellText(v))).join(","));
  return lines.join("\r\n") + "\r\n";
}

// POST /console.json answers with the page's data ({query, limits, results: {...}});
// a bare {columns, rows, ...} is accepted too. Errors come back as {error: {...}}.
export function consoleOutcome(payload, httpStatus = 200) {
  if (payload && payload.error) {
    const { status = httpStatus, code = "error", message = "The query failed.", position } = payload.error;
    const located = position && Number.isInteger(position.line) && Number.isInteger(position.column);
    return { error: { status, code, message, ...(located ? { position: { line: position.line, column: position.column } } : {}) } };
  }
  const results = payload && (payload.results || (Array.isArray(payload.columns) ? payload : null));
  if (!results) {
    return { error: { status: httpStatus, code: "no_results", message: "The server sent no results." } };
  }
  return {
    results: {
      columns: results.columns || [],
      rows: results.rows || [],
      truncated: Boolean(results.truncated),
      elapsed_ms: results.elapsed_ms == null ? null : Number(results.elapsed_ms) || 0,
      graph: results.graph || { nodes: [], edges: [], shown: 0, total: 0, center: null },
    },
  };
}

export function resultSummary(results) {
  const n = results.rows.length;
  const time = Number.isFinite(results.elapsed_ms) ? ` in ${results.elapsed_ms.toFixed(1)} ms` : "";
  return `${n} row${n === 1 ? "" : "s"}${time}` +
    (results.truncated ? " — truncated at the row cap (add a LIMIT or raise the cap)" : "");
}

// Keep the last `max` distinct queries, newest first.
export function pushHistory(history, query, max = 50) {
  const text = query.trim();
  if (!text) return history;
  return [text, ...history.filter((q) => q !== text)].slice(0, max);
}

// A link that opens the console on this query, its parameters and its view: the server
// runs it when the link is opened (GET /console?query=…&params=…&view=…).
export function consolePermalink(path, { query, params = "", view = "Table" }) {
  const fields = new URLSearchParams({ query });
  if (params.trim()) fields.set("params", params);
  if (view && view !== "Table") fields.set("view", view);
  return `${path}?${fields.toString()}`;
}

// Saved queries: named, newest first; saving a name again replaces what it held.
export function saveQuery(saved, entry, max = 200) {
  const name = entry.name.trim();
  if (!name || !entry.query.trim()) return saved;
  return [{ name, query: entry.query, params: entry.params || "" },
    ...saved.filter((s) => s.name !== name)].slice(0, max);
}

export function removeQuery(saved, name) {
  return saved.filter((s) => s.name !== name);
}

// The character offset of a 1-based line and column in a text, clamped to the text
// (where the editor marks a syntax error the server located).
export function offsetOf(text, line, column) {
  const lines = text.split("\n");
  const row = Math.min(Math.max(line, 1), lines.length);
  let offset = 0;
  for (let i = 0; i < row - 1; i += 1) offset += lines[i].length + 1;
  return offset + Math.min(Math.max(column - 1, 0), lines[row - 1].length);
}
