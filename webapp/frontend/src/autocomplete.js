// Accessible autocomplete (ARIA combobox) for inputs with data-autocomplete="/search.json".
// Choosing a suggestion fills the input and its hidden sibling NAME_key with Label:key.

let counter = 0;

export function enhanceAutocomplete(input) {
  const listbox = document.createElement("ul");
  listbox.id = `ac-${++counter}`;
  listbox.className = "listbox";
  listbox.setAttribute("role", "listbox");
  listbox.hidden = true;
  input.after(listbox);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  input.autocomplete = "off";
  const hidden = input.form?.querySelector(`input[type=hidden][name="${input.name}_key"]`);
  let items = [];
  let active = -1;
  let timer = null;
  let latest = 0;

  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    [...listbox.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", listbox.children[index].id);
  };
  const choose = (item) => {
    input.value = item.name;
    if (hidden) hidden.value = `${item.label}:${item.key}`;
    close();
  };
  const render = () => {
    listbox.textContent = "";
    items.forEach((item, i) => {
      const li = document.createElement("li");
      li.id = `${listbox.id}-${i}`;
      li.setAttribute("role", "option");
      li.textContent = `${item.name}${item.year ? ` (${item.year})` : ""} · ${item.label}`;
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(item); });
      listbox.appendChild(li);
    });
    listbox.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
    highlight(-1);
  };

  input.addEventListener("input", () => {
    if (hidden) hidden.value = "";
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) { items = []; render(); return; }
    timer = setTimeout(async () => {
      const ticket = ++latest;
      try {
        const url = `${input.dataset.autocomplete}?q=${encodeURIComponent(text)}&limit=8`;
        const data = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
        if (ticket === latest) { items = data.results || []; render(); }
      } catch { items = []; render(); }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (listbox.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(items[active]); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

export function enhanceAutocompletes(root = document) {
  root.querySelectorAll("input[data-autocomplete]").forEach(enhanceAutocomplete);
}
