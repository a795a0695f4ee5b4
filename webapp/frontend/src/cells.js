// Pure helpers for showing query results: no DOM, unit-tested with Vitest.

export function isNode(value) {
  return value !== null && typeof value === "object" && "label" in value && "properties" in value;
}

export function isRelationship(value) {
  return value !== null && typeof value === "object" && "type" in value && "properties" in value;
}

export function entityUrl(label, key) {
  return `/${String(label).toLowerCase()}/${encodeURIComponent(key)}`;
}

// One cell as a person reads it: nodes by display name, lists joined, maps as JSON.
export function cellText(value) {
  if (value === null || value === undefined) return "";
  if (isNode(value)) {
    const p = value.properties || {};
    return `${p.title ?? p.name ?? value.key} (${value.label})`;
  }
  if (isRelationship(value)) return `-[:${value.type}]-`;
  if (Array.isArray(value)) return value.map(cellText).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function csvField(text) {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvField(String(c))).join(",")];
  for (const row of rows) lines.push(row.map((v) => csvField(cellText(v))).join(","));
  return lines.join("\r\n") + "\r\n";
}

// Keep the last `max` distinct queries, newest first.
export function pushHistory(history, query, max = 50) {
  const text = query.trim();
  if (!text) return history;
  return [text, ...history.filter((q) => q !== text)].slice(0, max);
}
