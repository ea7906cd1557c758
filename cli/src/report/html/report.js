// The HTML report's script. It reads the columns cargo-wear embedded, lays out the treemap of
// the module it is focused on (squarified, modules too small to show their parts drawn as one
// block), keeps the due list table to the rows in view, and wires the switches, breadcrumbs,
// sorting, the search, the wear map's dots and the history panel. Every string from the data
// is written with textContent, never parsed as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("wear-data").textContent);
  const P = data.parts;
  const count = P.m.length;
  const at = (column, i) => (column ? column[i] : null);
  const SVG = "http://www.w3.org/2000/svg";
  const DAY = 86400;
  const state = {
    area: data.open.area,
    colour: data.open.colour,
    focus: -1,
    pinned: null,
    sortKey: null,
    sortDir: 1,
    query: "",
  };

  // ---- Names, words and links, made as the terminal makes them.
  const modulePath = [];
  const moduleParent = [];
  data.modules.forEach(([parent, label], m) => {
    moduleParent.push(parent === null ? -1 : parent);
    modulePath.push(parent === null ? label : modulePath[parent] + "::" + label);
  });
  const paths = new Array(count);
  const names = new Array(count);
  for (let i = 0; i < count; i++) {
    const whole = data.whole[i];
    paths[i] = whole ? whole[0] : modulePath[P.m[i]] + "::" + P.t[i];
    names[i] = whole ? whole[1] : P.t[i];
  }
  const statusOf = (i) => data.statuses[P.s[i]];
  const location = (i) => data.files[P.f[i]] + ":" + P.l[i];

  function countText(n) {
    if (n < 10000) return String(n);
    for (const [unit, suffix] of [[1e3, "k"], [1e6, "M"], [1e9, "G"], [1e12, "T"]]) {
      const tenths = Math.floor((n * 10 + unit / 2) / unit);
      if (tenths < 1000) return tenths % 10 ? Math.floor(tenths / 10) + "." + (tenths % 10) + suffix : tenths / 10 + suffix;
      const whole = Math.floor((n + unit / 2) / unit);
      if (whole < 1000) return whole + suffix;
    }
    return Math.floor((n + 5e14) / 1e15) + "P";
  }
  function busyText(ns) {
    const US = 1e3, MS = 1e6, S = 1e9, f = Math.floor, two = (n) => String(n).padStart(2, "0");
    if (ns < US) return ns + "ns";
    if (ns < MS) return f(ns / US) + "us";
    if (ns < S) return f(ns / MS) + "ms";
    if (ns < 60 * S) return f(ns / S) + "." + f((ns % S) / (S / 10)) + "s";
    if (ns < 3600 * S) return f(ns / (60 * S)) + "m" + two(f(ns / S) % 60) + "s";
    if (ns < 86400 * S) return f(ns / (3600 * S)) + "h" + two(f(ns / (60 * S)) % 60) + "m";
    return f(ns / (86400 * S)) + "d" + two(f(ns / (3600 * S)) % 24) + "h";
  }
  const dateText = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  const days = (t) => Math.floor(Math.max(0, data.now - t) / DAY);
  const ageText = (t) => (t === null ? "-" : days(t) + "d");
  const when = (t) => (t === null ? "-" : dateText(t) + " (" + days(t) + "d ago)");
  const noUsage = (v) => (v === null ? "no usage data" : countText(v));
  function nearestText(i) {
    const limit = at(P.lim, i);
    if (limit === null) return "-";
    const w = at(P.w, i);
    return (w === null ? "?" : w) + "% " + data.limits[limit];
  }
  // A location's link: the policy's source URL filled in, or its file in the workspace.
  function href(i) {
    if (!data.source) return null;
    const file = data.files[P.f[i]].split("/").map(encodeURIComponent).join("/");
    // A file outside the repository is named by its absolute path.
    if (data.source.file) return (file.startsWith("/") ? "file://" : data.source.file) + file;
    return data.source.url.split("{file}").join(file).split("{line}").join(String(P.l[i]));
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const name in attrs) node.setAttribute(name, String(attrs[name]));
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

  // ---- The module tree: children, parts, and per area and scale the sums and worst steps.
  const moduleCount = data.modules.length;
  const childModules = Array.from({ length: moduleCount }, () => []);
  const rootModules = [];
  moduleParent.forEach((parent, m) => (parent < 0 ? rootModules : childModules[parent]).push(m));
  const ownParts = Array.from({ length: moduleCount }, () => []);
  for (let i = 0; i < count; i++) ownParts[P.m[i]].push(i);
  const partTotal = new Array(moduleCount).fill(0);
  for (let m = moduleCount - 1; m >= 0; m--) {
    partTotal[m] += ownParts[m].length;
    if (moduleParent[m] >= 0) partTotal[moduleParent[m]] += partTotal[m];
  }
  // Area by calls has a floor of a tenth of the mean, so cold and unused parts keep a cell.
  const weights = {
    calls: (function () {
      const calls = Array.from({ length: count }, (_, i) => at(P.c, i) || 0);
      const mean = calls.reduce((a, b) => a + b, 0) / Math.max(count, 1);
      const floor = Math.max(mean / 10, 1);
      return calls.map((c) => Math.max(c, floor));
    })(),
    lines: P.n.slice(),
  };
  function moduleSums(values, combine, start) {
    const out = new Array(moduleCount).fill(start);
    for (let m = moduleCount - 1; m >= 0; m--) {
      for (const i of ownParts[m]) out[m] = combine(out[m], values[i]);
      if (moduleParent[m] >= 0) out[moduleParent[m]] = combine(out[moduleParent[m]], out[m]);
    }
    return out;
  }
  const moduleWeight = {
    calls: moduleSums(weights.calls, (a, b) => a + b, 0),
    lines: moduleSums(weights.lines, (a, b) => a + b, 0),
  };
  const steps = { wear: P.hw, age: P.ha };
  const worst = (a, b) => (b === null || (a !== null && a >= b) ? a : b);
  const moduleWorst = {
    wear: moduleSums(Array.from({ length: count }, (_, i) => at(P.hw, i)), worst, null),
    age: moduleSums(Array.from({ length: count }, (_, i) => at(P.ha, i)), worst, null),
  };
  const fillOf = (step) => (step === null ? data.no_data : data.palette[step]);
  const partFill = (i) => fillOf(at(steps[state.colour], i));

  // ---- Search: which parts match, and how many under each module.
  let haystack = null;
  const matches = new Uint8Array(count).fill(1);
  let moduleMatches = partTotal.slice();
  function search(query) {
    state.query = query.trim().toLowerCase();
    if (state.query && !haystack) {
      haystack = paths.map((p, i) => (p + "\n" + statusOf(i) + "\n" + location(i)).toLowerCase());
    }
    for (let i = 0; i < count; i++) matches[i] = !state.query || haystack[i].includes(state.query) ? 1 : 0;
    moduleMatches = moduleSums(matches, (a, b) => a + b, 0);
  }

  // ---- The treemap, squarified (Bruls, Huizing and van Wijk) at the focused module.
  const treemap = document.getElementById("treemap");
  const crumbs = document.getElementById("crumbs");
  const [WIDTH, HEIGHT] = treemap.getAttribute("viewBox").split(" ").slice(2).map(Number);
  const HEADER = 14;
  // A module opens into its parts when each would get this many square units on average;
  // smaller, it is one block. It bounds the elements drawn whatever the number of parts.
  const MIN_CELL = 160;

  function squarify(sizes, x, y, w, h) {
    const out = new Array(sizes.length);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total <= 0) return out.fill([x, y, 0, 0]);
    const scale = (w * h) / total;
    const area = sizes.map((s) => s * scale);
    let i = 0;
    while (i < area.length) {
      const side = Math.min(w, h);
      const ratio = (sum, min, max) => Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
      let j = i + 1;
      let sum = area[i];
      let score = ratio(sum, area[i], area[i]);
      while (j < area.length) {
        const next = ratio(sum + area[j], area[j], area[i]);
        if (next > score) break;
        sum += area[j];
        score = next;
        j++;
      }
      const thick = side > 0 ? sum / side : 0;
      let offset = 0;
      for (let k = i; k < j; k++) {
        const length = thick > 0 ? area[k] / thick : 0;
        out[k] = w >= h ? [x, y + offset, thick, length] : [x + offset, y, length, thick];
        offset += length;
      }
      if (w >= h) {
        x += thick;
        w -= thick;
      } else {
        y += thick;
        h -= thick;
      }
      i = j;
    }
    return out;
  }

  function drawTreemap() {
    const nodes = [];
    const area = state.area;
    const searching = state.query !== "";
    function cell(i, [x, y, w, h]) {
      const fill = partFill(i);
      const classes = "cell" + (searching ? (matches[i] ? " match" : " dim") : "");
      const node = svg("rect", { class: classes, "data-i": i, x, y, width: w, height: h, fill });
      const title = svg("title", {});
      title.textContent = paths[i] + " (" + statusOf(i) + ")";
      node.append(title);
      nodes.push(node);
      if (w > 24 && h > 14) {
        const label = svg("text", { class: "cell-label", "data-for": i, x: x + 3, y: y + 11, fill: ink(fill) });
        label.textContent = fit(names[i], w - 6, 6.2);
        nodes.push(label);
      }
    }
    function block(m, [x, y, w, h]) {
      const fill = fillOf(moduleWorst[state.colour][m]);
      const hits = moduleMatches[m];
      const classes = "block" + (searching ? (hits ? " match" : " dim") : "");
      const node = svg("rect", { class: classes, "data-m": m, x, y, width: w, height: h, fill });
      const title = svg("title", {});
      const found = searching ? ", " + hits + " matching" : "";
      title.textContent = modulePath[m] + ": " + partTotal[m] + " parts" + found + " (click to open)";
      node.append(title);
      nodes.push(node);
      if (w > 30 && h > 14) {
        const label = svg("text", { class: "block-label", x: x + 3, y: y + 11, fill: ink(fill) });
        label.textContent = fit(data.modules[m][1] + " (" + (searching ? hits + "/" : "") + partTotal[m] + ")", w - 6, 6.4);
        nodes.push(label);
      }
    }
    function frame(m, [x, y, w, h], depth) {
      const inner = [x + 1, y + HEADER, w - 2, h - HEADER - 1];
      const room = inner[2] * inner[3];
      if (w < 30 || inner[3] < 10 || room / partTotal[m] < MIN_CELL) return block(m, [x, y, w, h]);
      const classes = "group depth" + Math.min(depth, 3) + (searching && moduleMatches[m] ? " match" : "");
      nodes.push(svg("rect", { class: classes, x, y, width: w, height: h }));
      const label = svg("text", { class: "group-label", "data-m": m, x: x + 4, y: y + 11 });
      label.textContent = fit(data.modules[m][1], w - 8, 7);
      nodes.push(label);
      children(m, inner, depth + 1);
    }
    function children(m, [x, y, w, h], depth) {
      const kids = (m < 0 ? rootModules : childModules[m]).map((k) => [moduleWeight[area][k], k, true]);
      if (m >= 0) for (const i of ownParts[m]) kids.push([weights[area][i], i, false]);
      kids.sort((a, b) => b[0] - a[0] || (a[2] === b[2] ? a[1] - b[1] : a[2] ? -1 : 1));
      const rects = squarify(kids.map((k) => k[0]), x, y, w, h);
      kids.forEach(([, k, isModule], n) => (isModule ? frame(k, rects[n], depth) : cell(k, rects[n])));
    }
    // The root shows the crates; a single crate opens at once.
    children(state.focus, [0, 0, WIDTH, HEIGHT], 0);
    treemap.replaceChildren(...nodes);
    drawCrumbs();
    markSelected();
  }

  function drawCrumbs() {
    const trail = [];
    for (let m = state.focus; m >= 0; m = moduleParent[m]) trail.unshift(m);
    const nodes = [];
    const step = (m, text) => {
      if (m === state.focus) {
        const here = html("span", text, "here");
        here.setAttribute("aria-current", "location");
        nodes.push(here);
      } else {
        const button = html("button", text);
        button.type = "button";
        button.dataset.m = String(m);
        nodes.push(button);
      }
    };
    step(-1, "all " + count + " parts");
    for (const m of trail) {
      nodes.push(html("span", "\u203a", "sep"));
      step(m, data.modules[m][1]);
    }
    crumbs.replaceChildren(...nodes);
  }

  function zoom(m) {
    state.focus = m;
    drawTreemap();
  }
  treemap.addEventListener("click", (event) => {
    const node = event.target.closest("[data-m]");
    if (node) zoom(Number(node.dataset.m));
  });
  crumbs.addEventListener("click", (event) => {
    const node = event.target.closest("button[data-m]");
    if (node) zoom(Number(node.dataset.m));
  });

  function recolour() {
    drawTreemap();
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

  // ---- The wear map's dots, placed by cargo-wear.
  const dotLayer = document.getElementById("dots");
  const quadrantOf = new Map();
  if (dotLayer) {
    const dots = data.dots.map(([i, cx, cy, q]) => {
      quadrantOf.set(i, data.quadrants[q]);
      return svg("circle", { class: "dot " + statusOf(i), "data-i": i, cx, cy, r: 5 });
    });
    dotLayer.replaceChildren(...dots);
  }

  // ---- The due list: sorted and searched as an order of indices; only rows in view exist.
  const columns = [
    { key: "part", text: (i) => paths[i], sort: (i) => paths[i] },
    { key: "status", text: statusOf, sort: (i) => P.s[i] },
    { key: "calls", text: (i) => noUsage(at(P.c, i)), sort: (i) => at(P.c, i), num: true },
    { key: "wear", text: nearestText, sort: (i) => at(P.w, i), num: true },
    { key: "age", text: (i) => ageText(at(P.o, i)), sort: (i) => (at(P.o, i) === null ? null : -at(P.o, i)), num: true },
    { key: "due", text: (i) => (at(P.d, i) === null ? "-" : dateText(at(P.d, i) * DAY)), sort: (i) => at(P.d, i) },
    { key: "location", text: location, sort: (i) => data.files[P.f[i]] + "\n" + String(P.l[i]).padStart(10, "0") },
  ];
  // The first click on a number sorts the largest first: the oldest, the busiest, the most worn.
  const firstDir = { calls: -1, wear: -1, age: -1 };
  const table = document.getElementById("due");
  const tbody = table.tBodies[0];
  const scroller = document.getElementById("due-scroll");
  let order = Array.from({ length: count }, (_, i) => i);
  let view = order;
  let rowHeight = 0;
  const OVERSCAN = 12;

  function row(i) {
    const tr = html("tr");
    tr.dataset.i = String(i);
    tr.tabIndex = 0;
    if (i === state.pinned) tr.className = "selected";
    for (const column of columns) {
      const td = html("td", undefined, column.num ? "num" : undefined);
      const text = column.text(i);
      textOrLink(td, text, column.key === "location" ? href(i) : null);
      if (column.key === "status") td.className = "status " + text;
      tr.append(td);
    }
    return tr;
  }
  // `node` holding `text`, as a link to `link` when there is one.
  function textOrLink(node, text, link) {
    if (link) {
      const a = html("a", text);
      a.href = link;
      node.append(a);
    } else {
      node.textContent = text;
    }
  }
  function spacer(height) {
    const tr = html("tr", undefined, "spacer");
    tr.setAttribute("aria-hidden", "true");
    const td = html("td");
    td.colSpan = columns.length;
    td.style.height = height + "px";
    tr.append(td);
    return tr;
  }
  function renderRows() {
    const height = rowHeight || 24;
    const visible = Math.max(Math.ceil(window.innerHeight / height), 20) + 2 * OVERSCAN;
    // Never past the end, so that a list shortened by a search starts drawing at once.
    const top = Math.floor(scroller.scrollTop / height) - OVERSCAN;
    const first = Math.max(0, Math.min(top, view.length - visible));
    const last = Math.min(view.length, first + visible);
    const nodes = [];
    if (first > 0) nodes.push(spacer(first * height));
    for (let k = first; k < last; k++) nodes.push(row(view[k]));
    if (last < view.length) nodes.push(spacer((view.length - last) * height));
    tbody.replaceChildren(...nodes);
    if (!rowHeight) {
      // Measured once a row is laid out; until then (a hidden table) the guess stands.
      const drawn = tbody.querySelector("tr[data-i]");
      const measured = drawn ? drawn.getBoundingClientRect().height : 0;
      if (measured > 0) {
        rowHeight = measured;
        if (measured !== height) renderRows();
      }
    }
  }
  window.addEventListener("resize", () => renderRows());
  let scrollPending = false;
  scroller.addEventListener("scroll", () => {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      renderRows();
    });
  });

  function compare(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    return (a < b ? -1 : 1) * state.sortDir;
  }
  function refilter() {
    view = state.query ? order.filter((i) => matches[i]) : order;
    scroller.scrollTop = 0;
    shown.textContent = view.length + " of " + count + " parts";
    renderRows();
  }
  function sortBy(key) {
    state.sortDir = state.sortKey === key ? -state.sortDir : firstDir[key] || 1;
    state.sortKey = key;
    const column = columns.find((c) => c.key === key);
    const keys = Array.from({ length: count }, (_, i) => column.sort(i));
    order = Array.from({ length: count }, (_, i) => i);
    order.sort((a, b) => compare(keys[a], keys[b]) || a - b);
    for (const th of table.tHead.rows[0].cells) {
      if (th.dataset.key === key) th.setAttribute("aria-sort", state.sortDir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    }
    refilter();
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
  filter.addEventListener("input", () => {
    search(filter.value);
    refilter();
    drawTreemap();
  });

  // ---- The history panel.
  const history = document.getElementById("history");
  const placeholder = document.getElementById("placeholder");
  function show(i) {
    if (i === null) {
      history.hidden = true;
      placeholder.hidden = false;
      return;
    }
    const authors = P.a[i].map((a) => data.people[a]);
    const busy = at(P.b, i);
    const failures = at(P.fl, i);
    const fields = [
      ["Part", paths[i]],
      ["Status", statusOf(i)],
      ["Serial", P.e[i]],
      ["Calls since overhaul", noUsage(at(P.c, i))],
      ["Calls since new", noUsage(at(P.cn, i) === null ? null : (at(P.c, i) || 0) + at(P.cn, i))],
      ["Failures", failures === null ? "not counted" : countText(failures)],
      ["Busy time", busy === null ? "not timed" : busyText(busy)],
      ["Nearest limit", nearestText(i)],
      ["Overhauled", when(at(P.o, i))],
      ["Oldest line", when(at(P.o, i) === null || at(P.ol, i) === null ? null : at(P.o, i) - at(P.ol, i))],
      ["Last sign-off", data.signed[i] || "never"],
      ["Projected due", at(P.d, i) === null ? "-" : dateText(at(P.d, i) * DAY)],
      ["Wear map", quadrantOf.get(i) || "not on the map"],
      ["Location", location(i)],
      ["Commits", String(P.k[i])],
      ["Authors", authors.length ? authors.join(", ") : "-"],
    ];
    const nodes = [];
    for (const [name, value] of fields) {
      nodes.push(html("dt", name));
      const dd = html("dd");
      textOrLink(dd, value, name === "Location" ? href(i) : null);
      dd.dataset.field = name;
      if (name === "Status") dd.className = "status " + value;
      nodes.push(dd);
    }
    nodes.push(html("dt", "Remarks"));
    const remarks = html("dd");
    remarks.dataset.field = "Remarks";
    const said = data.remarks[i] || [];
    if (said.length) {
      const list = html("ul");
      for (const remark of said) list.append(html("li", remark));
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
  function pin(i) {
    state.pinned = i;
    show(i);
    markSelected();
  }
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("a")) return;
    const node = partAt(event);
    if (node) pin(Number(node.dataset.i));
  });
  tbody.addEventListener("keydown", (event) => {
    const node = partAt(event);
    if (node && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      pin(Number(node.dataset.i));
    }
  });

  // `report.html#part=PATH` opens with that part's history shown (and the treemap on its module
  // if it has no cell), as a link to it would; `#module=PATH` opens the treemap on a module.
  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (_) {
      return null;
    }
  }
  function pinFromHash() {
    const module = /^#module=(.+)$/.exec(window.location.hash);
    if (module) {
      const m = modulePath.indexOf(decoded(module[1]));
      if (m >= 0) zoom(m);
      return;
    }
    const match = /^#part=(.+)$/.exec(window.location.hash);
    if (!match) return;
    const i = paths.indexOf(decoded(match[1]));
    if (i < 0) return;
    // Opened on the part's module only when it has no cell where the treemap is.
    if (!treemap.querySelector('.cell[data-i="' + i + '"]')) zoom(P.m[i]);
    pin(i);
  }
  window.addEventListener("hashchange", pinFromHash);

  // A workspace of one crate opens on it: the root would be one frame.
  if (rootModules.length === 1) state.focus = rootModules[0];
  drawTreemap();
  search("");
  refilter();
  pinFromHash();
  performance.mark("wear-drawn");
})();
