// The app's own addresses, under the path it is served at: a proxy may mount it under a
// prefix (`<html data-root="/screengraph">`, which base.html sets from the request), and
// an address from the site's root would then miss the app.
export function siteUrl(path) {
  const root = (typeof document !== "undefined" && document.documentElement.dataset.root) || "";
  return `${root}${path}`;
}
