// Suggestions for `<input data-autocomplete="/search.json" name="from">`, following the
// ARIA combobox pattern (arrow keys, Enter chooses, Escape closes). Choosing fills the
// input with the name and the hidden `<input name="from_key">` with `Label:key`; in a box
// marked `data-autocomplete-opens` (the search boxes) it opens the entity's page instead.
// Without JavaScript the server resolves the typed name instead.

const DEBOUNCE_MS = 150;
const MIN_CHARS = 2;
const LIMIT = 8;
let counter = 0;

export function suggestionUrl(endpoint, text, limit = LIMIT) {
  const sep = endpoint.includes("?") ? "&" : "?";
  return `${endpoint}${sep}q=${encodeURIComponent(text)}&limit=${limit}`;
}

// A suggestion as listed: the name (with the detail that tells namesakes apart), the
// year, and the alternate title the search matched.
export function suggestionText(item) {
  const name = item.display || item.name;
  const year = item.year ? ` (${item.year})` : "";
  const matched = item.matched_title ? ` — “${item.matched_title}”` : "";
  return `${name}${year}${matched}`;
}

export function keyValue(item) {
  return `${item.label}:${item.key}`;
}

// The page a suggestion opens: a path on this site, or null (never another origin).
export function entityHref(item) {
  const url = typeof item?.url === "string" ? item.url : "";
  return url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\") ? url : null;
}

function hiddenKeyInput(input) {
  const name = `${input.name}_key`;
  const scope = input.form || input.parentElement;
  return scope ? [...scope.querySelectorAll("input[type=hidden]")].find((i) => i.name === name) : undefined;
}

export function enhanceAutocomplete(input) {
  if (input.getAttribute("role") === "combobox") return;
  const listbox = document.createElement("ul");
  listbox.id = `ac-${++counter}`;
  listbox.className = "listbox";
  listbox.setAttribute("role", "listbox");
  const labelEl = input.labels && input.labels[0];
  if (labelEl) {
    if (!labelEl.id) labelEl.id = `${listbox.id}-label`;
    listbox.setAttribute("aria-labelledby", labelEl.id);
  }
  listbox.hidden = true;
  const status = document.createElement("span");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.after(listbox, status);
  input.parentElement?.classList.add("has-listbox");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  input.autocomplete = "off";
  const hidden = hiddenKeyInput(input);

  let items = [];
  let active = -1;
  let timer = null;
  let inflight = null;

  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const open = () => {
    if (!items.length) return;
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  };
  const highlight = (index) => {
    active = index;
    [...listbox.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) {
      const li = listbox.children[index];
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView?.({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };
  const choose = (item) => {
    input.value = item.name;
    if (hidden) hidden.value = keyValue(item);
    close();
    input.dispatchEvent(new CustomEvent("autocomplete:choose", { bubbles: true, detail: item }));
    const href = input.hasAttribute("data-autocomplete-opens") ? entityHref(item) : null;
    if (href) window.location.assign(href);
  };
  // Text only: names can contain markup.
  const render = () => {
    listbox.textContent = "";
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.id = `${listbox.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      const name = document.createElement("span");
      name.textContent = suggestionText(item);
      const badge = document.createElement("span");
      badge.className = `badge badge-${String(item.label).toLowerCase()}`;
      badge.textContent = item.label;
      li.append(name, " ", badge);
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
      listbox.appendChild(li);
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (items.length) open(); else close();
    status.textContent = items.length ? `${items.length} suggestion${items.length === 1 ? "" : "s"}` : "";
  };

  const lookup = async (text) => {
    inflight?.abort();
    const mine = (inflight = new AbortController());
    try {
      const response = await fetch(suggestionUrl(input.dataset.autocomplete, text), {
        headers: { Accept: "application/json" }, signal: mine.signal,
      });
      const data = response.ok ? await response.json() : { results: [] };
      if (inflight !== mine) return;
      items = Array.isArray(data.results) ? data.results : [];
    } catch (error) {
      if (error.name === "AbortError") return;
      items = [];
    }
    render();
  };

  input.addEventListener("input", () => {
    if (hidden) hidden.value = "";  // typed text no longer matches a chosen entity
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < MIN_CHARS) {
      inflight?.abort();
      items = [];
      render();
      return;
    }
    timer = setTimeout(() => lookup(text), DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (!listbox.hidden) { event.preventDefault(); close(); }
      return;
    }
    if (listbox.hidden) {
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && items.length) {
        event.preventDefault();
        open();
        highlight(event.key === "ArrowDown" ? 0 : items.length - 1);
      }
      return;
    }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
    else if (event.key === "Tab") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

export function enhanceAutocompletes(root = document) {
  root.querySelectorAll("input[data-autocomplete]").forEach(enhanceAutocomplete);
}
