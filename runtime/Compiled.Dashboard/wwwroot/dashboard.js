// The Compiled dashboard: draws the fused plan from its Mermaid text as SVG (no library) and fills the panels from
// the snapshots the job pushes as server-sent events. Every text from the job goes through textContent, never HTML.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const fmt = new Intl.NumberFormat("en-US");
const plans = new Map(); // pipeline name -> { mermaid, section }

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// ----- Mermaid flowchart (the subset the generator writes) -----

const NODE = /^\s*(n\d+)(\(\[|\[\[|\[\/|\[)"(.*)"(\]\)|\]\]|\/\]|\])\s*$/;
const EDGE = /^\s*(n\d+)\s*(-->|==>\|([^|]*)\||==>|-\.\s*(.*?)\s*\.->)\s*(n\d+)\s*$/;

function parseMermaid(text) {
  const nodes = new Map();
  const edges = [];
  for (const line of text.split("\n")) {
    let m = NODE.exec(line);
    if (m) {
      const shape = m[2];
      const label = m[3];
      const kind = shape === "([" ? "input" : shape === "[[" ? "stateful" : shape === "[/" ? "output" : "step";
      const named = /'([^']*)'/.exec(label);
      nodes.set(m[1], { id: m[1], num: Number(m[1].slice(1)), label, kind, name: named ? named[1] : null });
      continue;
    }
    m = EDGE.exec(line);
    if (m) {
      const arrow = m[2];
      const kind = arrow.startsWith("-.") ? "side" : arrow.startsWith("==>") ? "stage" : "plain";
      edges.push({ from: m[1], to: m[5], kind, label: m[3] || m[4] || "" });
    }
  }
  return { nodes, edges };
}

// Longest-path layers from the inputs, left to right; nodes of a layer stacked in the order they were declared.
function layout(graph) {
  const layer = new Map();
  for (const id of graph.nodes.keys()) layer.set(id, 0);
  for (let pass = 0; pass < graph.nodes.size; pass++) {
    let changed = false;
    for (const e of graph.edges) {
      if (!layer.has(e.from) || !layer.has(e.to)) continue;
      const want = layer.get(e.from) + 1;
      if (layer.get(e.to) < want) { layer.set(e.to, want); changed = true; }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const node of graph.nodes.values()) {
    const l = layer.get(node.id);
    (columns[l] = columns[l] || []).push(node);
  }
  const W = 210, H = 58, GX = 70, GY = 34, PAD = 20;
  let height = 0;
  columns.forEach((col, c) => col.forEach((node, r) => {
    node.x = PAD + c * (W + GX);
    node.y = PAD + r * (H + GY);
    node.w = W; node.h = H;
    height = Math.max(height, node.y + H + PAD);
  }));
  return { width: PAD * 2 + columns.length * (W + GX) - GX, height };
}

function shorten(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

function drawPlan(container, mermaid) {
  container.textContent = "";
  const graph = parseMermaid(mermaid);
  if (graph.nodes.size === 0) {
    container.append(el("p", { class: "muted" }, "This runner does not describe its plan."));
    return null;
  }
  const size = layout(graph);
  // Drawn at its natural size, and scaled down (never up) to the width of the panel.
  const root = svg("svg", { class: "plan", viewBox: `0 0 ${size.width} ${size.height}`, role: "img", "aria-label": "fused plan" });
  root.style.width = "100%";
  root.style.maxWidth = size.width + "px";
  root.style.height = "auto";
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#64748b" }));
  defs.append(marker);
  root.append(defs);

  for (const e of graph.edges) {
    const a = graph.nodes.get(e.from), b = graph.nodes.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + a.w, y1 = a.y + a.h / 2, x2 = b.x - 2, y2 = b.y + b.h / 2, mx = (x1 + x2) / 2;
    root.append(svg("path", { class: "edge " + e.kind, d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`, "marker-end": "url(#arrow)",
      "data-from": e.from, "data-to": e.to }));
    if (e.label) root.append(svg("text", { class: "edge-label", x: mx, y: (y1 + y2) / 2 - 5, "text-anchor": "middle" }, e.label));
  }

  const counts = new Map();
  for (const node of graph.nodes.values()) {
    const g = svg("g", { class: "node " + node.kind, "data-node": node.id, "data-kind": node.kind, "data-name": node.name || "" });
    const title = svg("title", {}, node.label);
    g.append(title);
    if (node.kind === "output") {
      const s = 12;
      g.append(svg("polygon", { points: `${node.x + s},${node.y} ${node.x + node.w},${node.y} ${node.x + node.w - s},${node.y + node.h} ${node.x},${node.y + node.h}` }));
    } else {
      g.append(svg("rect", { x: node.x, y: node.y, width: node.w, height: node.h, rx: node.kind === "input" ? 24 : 4 }));
      if (node.kind === "stateful") {
        g.append(svg("line", { x1: node.x + 8, y1: node.y, x2: node.x + 8, y2: node.y + node.h, stroke: "#7c3aed" }));
        g.append(svg("line", { x1: node.x + node.w - 8, y1: node.y, x2: node.x + node.w - 8, y2: node.y + node.h, stroke: "#7c3aed" }));
      }
    }
    g.append(svg("text", { class: "label", x: node.x + node.w / 2, y: node.y + 22, "text-anchor": "middle" }, shorten(node.label, 30)));
    const count = svg("text", { class: "count", x: node.x + node.w / 2, y: node.y + 42, "text-anchor": "middle" },
      node.kind === "step" ? "fused" : "");
    g.append(count);
    counts.set(node.id, { node, count });
    root.append(g);
  }
  container.append(root);
  return counts;
}

// ----- panels -----

function rate(value) {
  return value >= 1e6 ? (value / 1e6).toFixed(1) + " M/s" : value >= 1e3 ? (value / 1e3).toFixed(1) + " k/s" : value.toFixed(0) + " /s";
}

function duration(ms) {
  if (ms === null || ms === undefined) return "–";
  const s = Math.abs(ms) / 1000;
  const text = s < 1 ? Math.round(Math.abs(ms)) + " ms" : s < 120 ? s.toFixed(1) + " s" : s < 7200 ? (s / 60).toFixed(1) + " min" : (s / 3600).toFixed(1) + " h";
  return ms < 0 ? "-" + text : text;
}

function table(headers, rows, rowAttr) {
  const t = el("table");
  const head = el("tr");
  headers.forEach(([text, cls]) => head.append(el("th", cls ? { class: cls } : {}, text)));
  const thead = el("thead");
  thead.append(head);
  t.append(thead);
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr", rowAttr(row));
    for (const [text, cls, value] of row.cells) {
      const attrs = {};
      if (cls) attrs.class = cls;
      if (value !== undefined) attrs["data-value"] = String(value);
      tr.append(el("td", attrs, text));
    }
    body.append(tr);
  }
  t.append(body);
  return t;
}

function pipelineSection(p) {
  let entry = plans.get(p.name);
  if (!entry) {
    const section = el("section", { class: "panel pipeline", "data-pipeline": p.name });
    section.append(el("h2", {}, p.name));
    const graph = el("div", { class: "graph", "data-pipeline": p.name });
    section.append(graph);
    const tables = el("div", { class: "tables" });
    section.append(tables);
    document.getElementById("pipelines").append(section);
    entry = { mermaid: null, section, graph, tables, counts: null };
    plans.set(p.name, entry);
  }
  if (entry.mermaid !== p.mermaid) {
    entry.mermaid = p.mermaid;
    entry.counts = drawPlan(entry.graph, p.mermaid);
  }
  return entry;
}

function renderPipeline(p, now) {
  const entry = pipelineSection(p);
  if (entry.counts) {
    for (const { node, count } of entry.counts.values()) {
      let text = null, value = null;
      if (node.kind === "input") {
        const i = p.inputs.find(x => x.name === node.name);
        if (i) { value = i.count; text = "in " + fmt.format(i.count) + " · " + rate(i.rate); }
      } else if (node.kind === "output") {
        const o = p.outputs.find(x => x.name === node.name);
        if (o) { value = o.count; text = "out " + fmt.format(o.count) + " · " + rate(o.rate); }
      } else if (node.kind === "stateful") {
        const s = p.state.find(x => x.id === node.num);
        if (s) { value = s.size; text = "state " + fmt.format(s.size); }
      } else if (node.kind === "step") {
        // Counted only when the pipeline is declared with CountEveryTransform; "fused" otherwise.
        const t = (p.transforms || []).find(x => x.id === node.num);
        if (t) { value = t.count; text = "in " + fmt.format(t.count) + " · " + rate(t.rate); }
      }
      if (text !== null) { count.textContent = text; count.setAttribute("data-value", String(value)); }
    }
  }

  entry.tables.textContent = "";
  // The watermark as a time of day (UTC) and its date apart, so that the column stays narrow.
  const time = w => w === null || w === undefined ? "none yet" : new Date(w).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
  // Each input's own watermark where the runner reports it; the runner's otherwise.
  const own = i => i.watermarkLagMs === undefined ? { watermark: p.watermark, watermarkLagMs: p.watermarkLagMs } : i;
  const inputs = el("div");
  inputs.append(el("h3", {}, "Inputs"));
  inputs.append(table([["input"], ["elements", "num"], ["rate", "num"], ["watermark"], ["lag", "num"]],
    p.inputs.map(i => ({ name: i.name, cells: [[i.name], [fmt.format(i.count), "num count", i.count], [rate(i.rate), "num"], [time(own(i).watermark)], [duration(own(i).watermarkLagMs), "num"]] })),
    r => ({ "data-input": r.name })));
  if (p.shards && p.shards.length > 0) {
    inputs.append(el("h3", {}, "Shards (parallel runner)"));
    inputs.append(table([["shard"], ["watermark"], ["lag", "num"]],
      p.shards.map(s => ({ name: s.name, cells: [[s.name], [time(s.watermark)], [duration(s.watermarkLagMs), "num"]] })),
      r => ({ "data-shard": r.name })));
  }
  const outputs = el("div");
  outputs.append(el("h3", {}, "Outputs"));
  outputs.append(table([["output"], ["elements", "num"], ["rate", "num"]],
    p.outputs.map(o => ({ name: o.name, cells: [[o.name], [fmt.format(o.count), "num count", o.count], [rate(o.rate), "num"]] })),
    r => ({ "data-output": r.name })));
  const state = el("div");
  state.append(el("h3", {}, "Stateful transforms"));
  state.append(p.state.length === 0 ? el("p", { class: "muted" }, "none") :
    table([["transform"], ["open windows / keys held", "num"]],
      p.state.map(s => ({ id: s.id, cells: [[s.transform], [fmt.format(s.size), "num count", s.size]] })),
      r => ({ "data-transform": String(r.id) })));
  const late = el("div");
  late.append(el("h3", {}, "Late data and panes"));
  late.append(el("p", { "data-late": "" }, fmt.format(p.lateDropped) + " late elements dropped (their window had fired)"));
  late.append(el("p", {}, fmt.format(p.panesFired) + " panes fired"));
  entry.tables.append(inputs, outputs, state, late);
}

function renderProgress(batch) {
  const host = document.getElementById("progress");
  host.textContent = "";
  if (batch.length === 0) {
    host.append(el("p", { class: "muted" }, "No batch progress is being reported."));
    return;
  }
  for (const b of batch) {
    const row = el("div", { class: "batch" });
    const amount = b.unit === "bytes"
      ? (b.done / 1048576).toFixed(1) + (b.total > 0 ? " / " + (b.total / 1048576).toFixed(1) : "") + " MB"
      : fmt.format(b.done) + (b.total > 0 ? " / " + fmt.format(b.total) : "") + " " + b.unit;
    const parts = [amount];
    if (b.percent !== null) parts.push(b.percent.toFixed(1) + "% done");
    if (b.timeLeftSeconds !== null) parts.push(duration(b.timeLeftSeconds * 1000) + " left");
    row.append(el("div", { "data-percent": b.percent === null ? "" : String(b.percent) }, parts.join(" · ")));
    if (b.percent !== null) {
      const bar = el("div", { class: "bar" });
      const fill = el("div");
      fill.style.width = Math.min(100, b.percent) + "%";
      bar.append(fill);
      row.append(bar);
    }
    host.append(row);
  }
}

function render(snapshot) {
  document.getElementById("title").textContent = snapshot.title;
  document.title = snapshot.title + " · Compiled";
  for (const p of snapshot.pipelines) renderPipeline(p, snapshot.time);
  renderProgress(snapshot.batch);

  const dl = document.getElementById("deadletters-count");
  dl.textContent = fmt.format(snapshot.deadLetters.count);
  dl.setAttribute("data-value", String(snapshot.deadLetters.count));
  dl.classList.toggle("warn", snapshot.deadLetters.count > 0);
  const list = document.getElementById("deadletters-last");
  list.textContent = "";
  for (const r of snapshot.deadLetters.last.slice().reverse()) {
    list.append(el("li", {}, new Date(r.time).toISOString().slice(11, 19) + "  " + r.reason));
  }

  const bp = snapshot.backpressure;
  const blocked = document.getElementById("blocked-ms");
  blocked.textContent = duration(bp.blockedMs);
  blocked.setAttribute("data-value", String(bp.blockedMs));
  document.getElementById("blocked-waits").textContent = fmt.format(bp.waits);
  document.getElementById("blocked-share").textContent = (bp.blockedShare * 100).toFixed(0) + "%";

  const checkpoints = snapshot.checkpoints;
  document.getElementById("checkpoints").textContent = !checkpoints.enabled ? "not enabled" :
    checkpoints.checkpointers.map(c => c.name + ": " + fmt.format(c.completed) + " completed, the last in " +
      duration(c.lastDurationMs) + ", " + fmt.format(c.lastSizeBytes) + " bytes").join("; ");
  const updated = document.getElementById("updated");
  updated.textContent = "updated " + new Date(snapshot.time).toISOString().slice(11, 19) + " UTC";
  document.body.setAttribute("data-version", String(snapshot.version));
}

function setStatus(state, text) {
  const s = document.getElementById("status");
  s.dataset.state = state;
  s.textContent = text;
}

// Server-sent events, with polling as the fallback when the stream cannot be opened.
function connect() {
  if (!window.EventSource) { poll(); return; }
  const source = new EventSource("api/events");
  source.onopen = () => setStatus("live", "live");
  source.onmessage = event => { setStatus("live", "live"); render(JSON.parse(event.data)); };
  source.onerror = () => setStatus("offline", "job not reachable; retrying");
}

async function poll() {
  for (;;) {
    try {
      const response = await fetch("api/snapshot", { cache: "no-store" });
      render(await response.json());
      setStatus("live", "live (polling)");
    } catch (e) {
      setStatus("offline", "job not reachable; retrying");
    }
    await new Promise(r => setTimeout(r, 1000));
  }
}

connect();
