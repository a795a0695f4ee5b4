// The page's Content-Security-Policy allows only styles and scripts that carry the nonce
// the server put in <meta property="csp-nonce" nonce="..."> (Vite's convention: its chunk
// preloads read it too); libraries that insert <style> elements (CodeMirror, Cytoscape)
// are given it here. Browsers hide a nonce attribute from getAttribute: read `.nonce`.

export function cspNonce(doc = document) {
  const meta = doc.querySelector('meta[property="csp-nonce"]');
  return meta ? meta.nonce || meta.getAttribute("nonce") || "" : "";
}

// Cytoscape inserts this stylesheet unless one with its id exists: insert it first, with
// the nonce, so the container keeps `position: relative` under the policy.
const CYTOSCAPE_STYLESHEET_ID = "__________cytoscape_stylesheet";

export function insertCytoscapeStylesheet(doc = document) {
  if (doc.getElementById(CYTOSCAPE_STYLESHEET_ID)) return;
  const style = doc.createElement("style");
  style.id = CYTOSCAPE_STYLESHEET_ID;
  style.setAttribute("nonce", cspNonce(doc));
  style.textContent = ".__________cytoscape_container { position: relative; }";
  doc.head.insertBefore(style, doc.head.firstChild);
}
