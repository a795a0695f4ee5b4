// Graph JSON ({nodes, edges, shown, total, center}) to Cytoscape elements, and the
// caption arithmetic. Pure, unit-tested. Node ids are `key@Label`: keys are unique
// per label only, and edges refer to nodes by that id.

export function nodeId(node) {
  return node.id || `${node.key}@${node.label}`;
}

export function edgeCaption(edge) {
  return edge.role ? `${edge.type} (${edge.role})` : edge.type;
}

// A node's caption: its name, with the detail that tells namesakes apart when the server
// gave one (`display`: "David Smith (b. 1950)").
export function displayName(node) {
  return node.display || node.name || node.key;
}

// `has(id)`: whether a node is drawn already, so an expansion's edges may end on it.
export function toElements(data, has = () => false) {
  const nodes = (data.nodes || []).map((n) => ({
    group: "nodes",
    data: { id: nodeId(n), key: n.key, label: n.label, name: displayName(n), url: n.url || null },
  }));
  const edges = (data.edges || []).map((e) => ({
    group: "edges",
    data: {
      id: `${e.source}|${e.type}|${e.target}|${e.role || ""}`,
      source: e.source, target: e.target, type: e.type, role: e.role ?? null, caption: edgeCaption(e),
    },
  }));
  // Cytoscape refuses an edge whose end is missing; the server caps nodes, so drop those.
  const ids = new Set(nodes.map((n) => n.data.id));
  const known = (id) => ids.has(id) || has(id);
  return [...nodes, ...edges.filter((e) => known(e.data.source) && known(e.data.target))];
}

// Elements of `data` not yet in the graph (`has(id)` says what is there already).
export function newElements(data, has) {
  return toElements(data, has).filter((el) => !has(el.data.id));
}

// The caption under the graph. Before anything is expanded the server's own count is exact
// ("Showing 12 of 40 entities"); after, each expanded entity says how many of its
// neighbours are drawn out of how many it has (`hubs`: [{name, shown, total}]), which stays
// exact however expansions overlap.
export function captionText(shown, total, hubs = []) {
  const base = total == null ? `Showing ${shown} entities`
    : shown < total ? `Showing ${shown} of ${total} entities` : `Showing all ${shown} entities`;
  const parts = hubs.map((h) => `${h.name}: ${h.shown} of ${h.total} neighbours shown`);
  return parts.length ? `${base}; ${parts.join("; ")}` : base;
}

// The page of an entity's neighbours, best connected first, that "expand" and "more" fetch.
export function neighboursUrl(entityUrl, offset = 0, limit = NEIGHBOURS_PAGE) {
  return `${entityUrl.replace(/\/$/, "")}/neighbours.json?offset=${offset}&limit=${limit}`;
}

export const NEIGHBOURS_PAGE = 25;

// What the permalink keeps of a graph view, in the URL's hash (`#graph=...`): the pages of
// neighbours each expanded node brought, in the order they were asked for (replayed on
// opening), the selected node, the node positions in drawing order and the viewport.
// Positions are rounded to whole pixels, so the link stays short.
export function encodeView(view) {
  const compact = {
    e: view.expanded || [],
    s: view.selected || null,
    p: (view.positions || []).map(([x, y]) => [Math.round(x), Math.round(y)]),
    z: view.zoom == null ? null : Math.round(view.zoom * 1000) / 1000,
    o: view.pan ? [Math.round(view.pan.x), Math.round(view.pan.y)] : null,
  };
  return encodeURIComponent(JSON.stringify(compact));
}

export function decodeView(text) {
  if (!text) return null;
  try {
    const v = JSON.parse(decodeURIComponent(text));
    if (!v || typeof v !== "object") return null;
    const pairs = (list) => (Array.isArray(list) ? list : []).filter((p) => Array.isArray(p) && p.length === 2);
    return {
      expanded: pairs(v.e).filter(([id, pages]) => typeof id === "string" && Number.isInteger(pages) && pages > 0),
      selected: typeof v.s === "string" ? v.s : null,
      positions: pairs(v.p).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)),
      zoom: Number.isFinite(v.z) ? v.z : null,
      pan: Array.isArray(v.o) && v.o.every(Number.isFinite) ? { x: v.o[0], y: v.o[1] } : null,
    };
  } catch { return null; }
}

// The hash with one field replaced (`graph=`), keeping whatever else is there.
export function withHashField(hash, name, value) {
  const fields = new URLSearchParams(hash.replace(/^#/, ""));
  if (value == null) fields.delete(name); else fields.set(name, value);
  const text = [...fields.keys()].map((k) => `${k}=${k === name ? value : encodeURIComponent(fields.get(k))}`).join("&");
  return text ? `#${text}` : "";
}

export function hashField(hash, name) {
  const match = hash.replace(/^#/, "").split("&").find((part) => part.startsWith(`${name}=`));
  return match ? match.slice(name.length + 1) : null;
}

// The next node in reading order for keyboard selection (`step` 1 or -1), wrapping round.
export function stepSelection(ids, current, step) {
  if (!ids.length) return null;
  const at = ids.indexOf(current);
  if (at < 0) return step > 0 ? ids[0] : ids[ids.length - 1];
  return ids[(at + step + ids.length) % ids.length];
}
