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

export function toElements(data) {
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
  return [...nodes, ...edges.filter((e) => ids.has(e.data.source) && ids.has(e.data.target))];
}

// Elements of `data` not yet in the graph (`has(id)` says what is there already).
export function newElements(data, has) {
  return toElements(data).filter((el) => !has(el.data.id));
}

// How many entities the neighbourhood has, as far as we know. The first answer says
// shown/total; an expansion adds the nodes it brought plus those it had to leave out.
// A node left out of one answer may arrive in another, so this is an estimate that
// never drops below what is on screen.
export function knownTotal(previousTotal, shownNow, expansion = null) {
  let total = previousTotal;
  if (expansion) total += Math.max(0, (expansion.total || 0) - (expansion.shown || 0));
  return Math.max(total, shownNow);
}

export function captionText(shown, total) {
  return shown < total ? `Showing ${shown} of ${total} entities` : `Showing all ${shown} entities`;
}

export function graphUrl(entityUrl, depth = 1) {
  return `${entityUrl.replace(/\/$/, "")}/graph.json?depth=${depth}`;
}
