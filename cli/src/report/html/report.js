// The HTML report's script: draws the treemap from the layouts embedded by cargo-wear, fills
// the due list table, and wires the switches, sorting, the filter and the history panel.
// Every string from the data is written with textContent, never parsed as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("wear-data").textContent);
  const parts = data.parts;
  // Each part's wear map quadrant, as cargo-wear decided it (the page never recomputes it).
  const quadrantNames = Object.fromEntries(data.map.quadrants.map((q) => [q.key, q.name]));
  const quadrantOf = new Map(data.map.points.map((p) => [p.part, quadrantNames[p.quadrant]]));
  const SVG = "http://www.w3.org/2000/svg";
  const state = { area: "calls", colour: "wear", pinned: null, sortKey: null, sortDir: 1 };

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    return node;
  }

  function html(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // Text cut to fit `width` layout units at `perChar` units a character.
  function fit(text, width, perChar) {
    const room = Math.floor(width / perChar);
    if (room < 2) return "";
    return text.length <= room ? text : text.slice(0, room - 1) + "\u2026";
  }

  // Dark text on light fills, light text on dark ones.
  function ink(fill) {
    const v = parseInt(fill.slice(1), 16);
    const light = 0.2126 * (v >> 16) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255);
    return light > 140 ? "#1b1b1b" : "#ffffff";
  }

  // The treemap: module frames, then a cell per part, from the layout the area switch names.
  const treemap = document.getElementById("treemap");
  function drawTreemap() {
    const layout = data.layout[state.area];
    const nodes = [];
    for (const group of layout.groups) {
      const [x, y, w, h] = group.rect;
      nodes.push(svg("rect", { class: "group depth" + Math.min(group.depth, 3), x, y, width: w, height: h }));
      if (group.header) {
        const label = svg("text", { class: "group-label", x: x + 4, y: y + 11 });
        label.textContent = fit(group.label, w - 8, 7);
        nodes.push(label);
      }
    }
    layout.parts.forEach(([x, y, w, h], i) => {
      const fill = parts[i].fill[state.colour];
      const cell = svg("rect", { class: "cell", "data-i": i, x, y, width: w, height: h, fill });
      const title = svg("title", {});
      title.textContent = parts[i].part + " (" + parts[i].status + ")";
      cell.append(title);
      nodes.push(cell);
      if (w > 24 && h > 14) {
        const label = svg("text", { class: "cell-label", "data-for": i, x: x + 3, y: y + 11, fill: ink(fill) });
        label.textContent = fit(parts[i].name, w - 6, 6.2);
        nodes.push(label);
      }
    });
    treemap.replaceChildren(...nodes);
    markSelected();
  }

  function recolour() {
    for (const cell of treemap.querySelectorAll(".cell")) {
      cell.setAttribute("fill", parts[Number(cell.dataset.i)].fill[state.colour]);
    }
    for (const label of treemap.querySelectorAll(".cell-label")) {
      label.setAttribute("fill", ink(parts[Number(label.dataset.for)].fill[state.colour]));
    }
    for (const legend of document.querySelectorAll("[data-legend]")) {
      legend.hidden = legend.dataset.legend !== state.colour;
    }
  }

  document.getElementById("switches").addEventListener("change", (event) => {
    const input = event.target;
    if (input.name === "area") {
      state.area = input.value;
      for (const hint of document.querySelectorAll("[data-hint]")) hint.hidden = hint.dataset.hint !== state.area;
      drawTreemap();
    } else if (input.name === "colour") {
      state.colour = input.value;
      recolour();
    }
  });

  // The due list table.
  const columns = [
    { key: "part", text: (p) => p.part, sort: (p) => p.part },
    { key: "status", text: (p) => p.status, sort: (p) => p.key.status },
    { key: "calls", text: (p) => p.calls, sort: (p) => p.key.calls, num: true },
    { key: "wear", text: (p) => p.nearest, sort: (p) => p.key.wear, num: true },
    { key: "age", text: (p) => p.age, sort: (p) => p.key.age, num: true },
    { key: "due", text: (p) => p.due, sort: (p) => p.key.due },
    { key: "location", text: (p) => p.location, sort: (p) => p.location },
  ];
  const table = document.getElementById("due");
  const tbody = table.tBodies[0];
  const rows = parts.map((p, i) => {
    const row = html("tr");
    row.dataset.i = String(i);
    row.tabIndex = 0;
    for (const column of columns) {
      const cell = html("td", column.text(p), column.num ? "num" : undefined);
      if (column.key === "status") cell.className = "status " + p.status;
      row.append(cell);
    }
    return row;
  });
  tbody.replaceChildren(...rows);

  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    return (a < b ? -1 : 1) * state.sortDir;
  }

  function sortBy(key) {
    state.sortDir = state.sortKey === key ? -state.sortDir : 1;
    state.sortKey = key;
    const column = columns.find((c) => c.key === key);
    const order = parts.map((_, i) => i);
    order.sort((a, b) => compare(column.sort(parts[a]), column.sort(parts[b])) || a - b);
    tbody.replaceChildren(...order.map((i) => rows[i]));
    for (const th of table.tHead.rows[0].cells) {
      if (th.dataset.key === key) th.setAttribute("aria-sort", state.sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
  }

  for (const th of table.tHead.rows[0].cells) {
    th.tabIndex = 0;
    th.addEventListener("click", () => sortBy(th.dataset.key));
    th.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        sortBy(th.dataset.key);
      }
    });
  }

  const filter = document.getElementById("filter");
  const shown = document.getElementById("shown");
  function applyFilter() {
    const query = filter.value.trim().toLowerCase();
    let count = 0;
    rows.forEach((row, i) => {
      const p = parts[i];
      const match = !query || [p.part, p.status, p.location].some((s) => s.toLowerCase().includes(query));
      row.hidden = !match;
      if (match) count += 1;
    });
    shown.textContent = count + " of " + parts.length + " parts";
  }
  filter.addEventListener("input", applyFilter);
  applyFilter();

  // The history panel.
  const history = document.getElementById("history");
  const placeholder = document.getElementById("placeholder");
  function show(i) {
    if (i === null) {
      history.hidden = true;
      placeholder.hidden = false;
      return;
    }
    const p = parts[i];
    const fields = [
      ["Part", p.part],
      ["Status", p.status],
      ["Serial", p.serial],
      ["Calls since overhaul", p.calls],
      ["Calls since new", p.calls_new],
      ["Failures", p.failures],
      ["Busy time", p.busy],
      ["Nearest limit", p.nearest],
      ["Overhauled", p.overhauled],
      ["Oldest line", p.oldest],
      ["Last sign-off", p.signed_off],
      ["Projected due", p.due],
      ["Wear map", quadrantOf.get(i) || "not on the map"],
      ["Location", p.location],
      ["Commits", String(p.commits)],
      ["Authors", p.authors.length ? p.authors.join(", ") : "-"],
    ];
    const nodes = [];
    for (const [name, value] of fields) {
      nodes.push(html("dt", name));
      const dd = html("dd", value);
      dd.dataset.field = name;
      if (name === "Status") dd.className = "status " + p.status;
      nodes.push(dd);
    }
    nodes.push(html("dt", "Remarks"));
    const remarks = html("dd");
    remarks.dataset.field = "Remarks";
    if (p.remarks.length) {
      const list = html("ul");
      for (const remark of p.remarks) list.append(html("li", remark));
      remarks.append(list);
    } else {
      remarks.textContent = "none";
    }
    nodes.push(remarks);
    history.replaceChildren(...nodes);
    history.dataset.i = String(i);
    history.hidden = false;
    placeholder.hidden = true;
  }

  function markSelected() {
    for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
    if (state.pinned === null) return;
    for (const node of document.querySelectorAll('[data-i="' + state.pinned + '"]')) {
      if (node !== history) node.classList.add("selected");
    }
  }

  function partAt(event) {
    const node = event.target.closest && event.target.closest("[data-i]");
    return node && node !== history ? node : null;
  }

  document.addEventListener("mouseover", (event) => {
    const node = partAt(event);
    if (node) show(Number(node.dataset.i));
  });
  document.addEventListener("mouseout", (event) => {
    const node = partAt(event);
    if (node && !(event.relatedTarget && node.contains(event.relatedTarget))) show(state.pinned);
  });
  function pin(node) {
    state.pinned = Number(node.dataset.i);
    show(state.pinned);
    markSelected();
  }
  document.addEventListener("click", (event) => {
    const node = partAt(event);
    if (node) pin(node);
  });
  tbody.addEventListener("keydown", (event) => {
    const node = partAt(event);
    if (node && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      pin(node);
    }
  });

  // `report.html#part=PATH` opens with that part's history shown, as a link to it would.
  function pinFromHash() {
    const match = /^#part=(.+)$/.exec(location.hash);
    if (!match) return;
    const i = parts.findIndex((p) => p.part === decodeURIComponent(match[1]));
    if (i >= 0) {
      state.pinned = i;
      show(i);
      markSelected();
    }
  }
  window.addEventListener("hashchange", pinFromHash);

  drawTreemap();
  pinFromHash();
})();
