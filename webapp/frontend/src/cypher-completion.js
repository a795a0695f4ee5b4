// What to suggest at the cursor in a Cypher query, from the live schema (/schema.json).
// Pure (no DOM, no CodeMirror import), so the rules are unit-tested: labels after `(x:`,
// relationship types after `[:` or `|`, property keys after `x.`, procedures after
// CALL or a namespace like `db.`, otherwise keywords and functions.

export const EMPTY_SCHEMA = Object.freeze({
  labels: [], relationshipTypes: [], propertyKeys: [], functions: [], procedures: [],
});

// The console is read-only, so write clauses are not offered.
const KEYWORDS = [
  "MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "SKIP", "LIMIT",
  "DISTINCT", "AS", "AND", "OR", "XOR", "NOT", "IN", "IS NULL", "IS NOT NULL", "CONTAINS",
  "STARTS WITH", "ENDS WITH", "CASE", "WHEN", "THEN", "ELSE", "END", "CALL", "YIELD", "UNION",
  "ASC", "DESC", "EXISTS", "true", "false", "null",
];

export function normaliseSchema(schema) {
  const list = (v) => (Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : x && x.name)).filter(Boolean) : []);
  const s = schema || {};
  return {
    labels: list(s.labels), relationshipTypes: list(s.relationshipTypes),
    propertyKeys: list(s.propertyKeys), functions: list(s.functions), procedures: list(s.procedures),
  };
}

// Scan the text before the cursor once: are we in a string or comment, and which
// bracket is still open? Backticked names count as strings here (nothing to suggest).
export function scanContext(text) {
  const open = [];
  let quote = null;
  let comment = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (comment === "line") { if (c === "\n") comment = null; continue; }
    if (comment === "block") { if (c === "*" && next === "/") { comment = null; i++; } continue; }
    if (quote) {
      if (c === "\\" && quote !== "`") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "/" && next === "/") { comment = "line"; i++; continue; }
    if (c === "/" && next === "*") { comment = "block"; i++; continue; }
    if (c === "'" || c === '"' || c === "`") { quote = c; continue; }
    if (c === "(" || c === "[" || c === "{") open.push(c);
    else if (c === ")" || c === "]" || c === "}") open.pop();
  }
  return { inString: quote !== null, inComment: comment !== null, bracket: open[open.length - 1] || null };
}

function functionApply(name) {
  // Insert `name()` and leave the cursor between the brackets.
  return (view, completion, from, to) => {
    view.dispatch({
      changes: { from, to, insert: `${name}()` },
      selection: { anchor: from + name.length + 1 },
    });
  };
}

const opt = {
  label: (l) => ({ label: l, type: "class", detail: "label" }),
  rel: (r) => ({ label: r, type: "type", detail: "relationship" }),
  prop: (p) => ({ label: p, type: "property", detail: "property" }),
  fn: (f) => ({ label: f, type: "function", detail: "function", apply: functionApply(f) }),
  proc: (p) => ({ label: p, type: "namespace", detail: "procedure" }),
  keyword: (k) => ({ label: k, type: "keyword" }),
};

// `textBefore` is the query up to the cursor. Returns null (nothing to suggest) or
// {from, options}: `from` is the offset in textBefore where the replaced word starts.
export function cypherCompletions(textBefore, schema, explicit = false) {
  const s = normaliseSchema(schema);
  const ctx = scanContext(textBefore);
  if (ctx.inString || ctx.inComment) return null;

  const word = /[A-Za-z_][\w]*$/.exec(textBefore);
  const wordStart = word ? word.index : textBefore.length;
  const before = textBefore.slice(0, wordStart);
  const prev = before.replace(/\s+$/, "");

  // `db.la`, `apoc.coll.`: dotted names that begin like a known procedure or function.
  const dotted = /([A-Za-z_][\w]*(?:\.[\w]*)+)$/.exec(textBefore);
  if (dotted) {
    const name = dotted[1];
    const known = [...s.procedures.map(opt.proc), ...s.functions.map(opt.fn)]
      .filter((o) => o.label.startsWith(name.split(".")[0] + "."));
    if (known.length) return { from: dotted.index, options: known };
  }
  if (before.endsWith(".")) return { from: wordStart, options: s.propertyKeys.map(opt.prop) };
  if (/[:|]\s*$/.test(before) && !/::\s*$/.test(before)) {
    if (ctx.bracket === "{") return null;  // `{title: ...}`: a value comes next, not a name
    const options = ctx.bracket === "[" ? s.relationshipTypes.map(opt.rel) : s.labels.map(opt.label);
    return { from: wordStart, options };
  }
  if (/\bCALL$/i.test(prev)) return { from: wordStart, options: s.procedures.map(opt.proc) };
  if (before.endsWith("$")) return null;  // a parameter: its name is the user's choice

  if (!word && !explicit) return null;
  if (/^\d/.test(word ? word[0] : "")) return null;
  return {
    from: wordStart,
    options: [...KEYWORDS.map(opt.keyword), ...s.functions.map(opt.fn), ...s.propertyKeys.map(opt.prop)],
  };
}

// A CodeMirror CompletionSource over cypherCompletions; `getSchema` is read on each call
// so the schema can arrive after the editor is up.
export function cypherCompletionSource(getSchema) {
  return (context) => {
    const text = context.state.sliceDoc(0, context.pos);
    const found = cypherCompletions(text, getSchema(), context.explicit);
    if (!found || !found.options.length) return null;
    return { from: found.from, options: found.options, validFor: /^[\w.]*$/ };
  };
}
