// layoutcheck label: the labeling page. No framework, no CDN.
//
// The mask lives in a Uint8Array at the candidate's resolution (one class value a pixel). A
// stroke writes into it and marks a dirty rectangle; once per animation frame only that
// rectangle is copied to the visible canvas (also at image resolution, scaled by the same CSS
// transform as the images, so zoom and pan can never misalign it). Undo keeps copies of the
// 256x256 tiles an operation touched, so a stroke on a 8000 px page costs what it paints.
(function () {
  "use strict";

  const TILE = 256;
  const params = new URLSearchParams(location.search);
  const token = params.get("token") || sessionStorage.getItem("layoutcheck-token") || "";
  sessionStorage.setItem("layoutcheck-token", token);
  const $ = (id) => document.getElementById(id);
  const PALETTE = [
    [0, 0, 0, 0], [40, 110, 255, 255], [230, 30, 30, 255], [255, 140, 0, 255], [200, 0, 200, 255],
    [0, 170, 170, 255], [140, 90, 40, 255], [120, 200, 0, 255], [90, 90, 90, 255], [255, 0, 120, 255],
    [0, 90, 160, 255], [180, 150, 0, 255], [110, 0, 200, 255], [0, 140, 60, 255],
  ];
  const palette32 = new Uint32Array(PALETTE.length);
  new Uint8Array(palette32.buffer).set(PALETTE.flat());

  const state = {
    pairs: [], index: -1, pair: null, classes: [], prediction: false,
    W: 0, H: 0, mask: null, dirty: null, frame: 0, changed: false,
    tool: "brush", size: 12, cls: 2, view: "side", scale: 1, tx: 0, ty: 0,
    undo: [], redo: [], op: null, drawing: false, last: null, rectStart: null,
    panning: null, space: false,
  };
  // Per stroke event timings, read by the browser tests (issue 12: measure the time per stroke event).
  const perf = { events: 0, total: 0, max: 0, flushes: 0, flushTotal: 0, flushMax: 0 };
  window.__layoutcheckLabel = { state, perf };

  const pane = $("pane-main"), paneRef = $("pane-ref"), stage = $("stage"), stageRef = $("stage-ref");
  const canvas = $("mask"), ctx = canvas.getContext("2d");

  // -- server -----------------------------------------------------------------------------

  function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers["X-Layoutcheck-Token"] = token;
    return fetch(path, opts).then(async (response) => {
      const body = response.headers.get("content-type") === "application/json" ? await response.json() : null;
      if (!response.ok) {
        const err = new Error((body && body.error) || response.statusText);
        err.status = response.status;
        err.body = body;
        throw err;
      }
      return body;
    });
  }
  const imageUrl = (id, role) =>
    `/api/pairs/${encodeURIComponent(id)}/${role}.png?token=${encodeURIComponent(token)}&t=${Date.now()}`;

  function say(text, kind) {
    const box = $("message");
    box.textContent = text;
    box.className = kind || "";
  }

  // -- queue ------------------------------------------------------------------------------

  function renderQueue() {
    const list = $("queue-list");
    list.textContent = "";
    state.pairs.forEach((p, i) => {
      const li = document.createElement("li");
      li.className = p.status + (i === state.index ? " current" : "");
      li.dataset.id = p.id;
      const status = document.createElement("span");
      status.className = "status";
      status.textContent = p.status === "labeled" ? (p.kind || "labeled") : p.status;
      li.append(status, document.createTextNode(p.name));
      if (p.uncertainty !== null && p.uncertainty !== undefined) li.title = `uncertainty ${p.uncertainty.toFixed(3)}`;
      li.addEventListener("click", () => open(i));
      list.append(li);
    });
  }

  function setProgress(labeled, total) {
    $("progress").textContent = `${labeled} / ${total} labeled`;
  }

  async function loadQueue() {
    const data = await api("/api/pairs");
    state.pairs = data.pairs;
    state.classes = data.classes;
    state.prediction = data.prediction;
    setProgress(data.labeled, data.total);
    const select = $("class");
    select.textContent = "";
    data.classes.forEach((name, value) => {
      if (value === 0) return;
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = `${value} ${name}`;
      select.append(option);
    });
    select.value = String(state.cls);
    renderQueue();
  }

  // -- opening a pair ---------------------------------------------------------------------

  function loadImage(img, url) {
    return new Promise((resolve, reject) => {
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error(`cannot load ${url.split("?")[0]}`));
      img.src = url;
    });
  }

  async function maskFrom(url) {
    const img = new Image();
    await loadImage(img, url);
    const c = document.createElement("canvas");
    c.width = state.W;
    c.height = state.H;
    const cx = c.getContext("2d", { willReadFrequently: true });
    cx.drawImage(img, 0, 0);
    const rgba = cx.getImageData(0, 0, state.W, state.H).data;
    const mask = new Uint8Array(state.W * state.H);
    for (let i = 0, j = 0; i < mask.length; i++, j += 4) mask[i] = rgba[j];
    return mask;
  }

  async function open(index) {
    if (index < 0 || index >= state.pairs.length) return;
    if (state.changed && !confirm("This pair has unsaved changes. Leave it?")) return;
    const pair = state.pairs[index];
    state.index = index;
    state.pair = pair;
    state.W = pair.width;
    state.H = pair.height;
    state.undo = [];
    state.redo = [];
    state.changed = false;
    renderQueue();
    say(`loading ${pair.name}…`);
    canvas.width = state.W;
    canvas.height = state.H;
    for (const el of [stage, canvas]) {
      el.style.width = `${state.W}px`;
      el.style.height = `${state.H}px`;
    }
    await Promise.all([
      loadImage($("img-ref"), imageUrl(pair.id, "reference")),
      loadImage($("img-cand"), imageUrl(pair.id, "candidate")),
      loadImage($("side-ref"), imageUrl(pair.id, "reference")),
    ]);
    let note = "";
    if (pair.status === "labeled") {
      state.mask = await maskFrom(imageUrl(pair.id, "mask"));
      note = `saved label, revision ${pair.revision}`;
    } else if (state.prediction) {
      say(`predicting ${pair.name}…`);
      state.mask = await maskFrom(imageUrl(pair.id, "prediction"));
      note = "pre-filled with the model's prediction: correct it and save";
    } else {
      state.mask = new Uint8Array(state.W * state.H);
      note = "not labeled yet";
    }
    $("img-diff").removeAttribute("src");
    if (state.view === "diff") showDiff();
    drawRegions();
    fit();
    redrawAll();
    updateButtons();
    say(`${pair.name} (${state.W}×${state.H}): ${note}`);
    pane.dataset.ready = pair.id;
  }

  function showDiff() {
    const img = $("img-diff");
    if (!img.getAttribute("src") && state.pair) img.src = imageUrl(state.pair.id, "diff");
  }

  function drawRegions() {
    const box = $("regions");
    box.textContent = "";
    box.style.width = `${state.W}px`;
    box.style.height = `${state.H}px`;
    box.style.display = $("show-regions").checked ? "" : "none";
    for (const r of state.pair.regions || []) {
      const d = document.createElement("div");
      Object.assign(d.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
      d.title = `${r.kind} ${Number(r.score).toFixed(2)}${r.element ? " on " + r.element : ""}`;
      box.append(d);
    }
  }

  // -- drawing the mask -------------------------------------------------------------------

  function markDirty(x0, y0, x1, y1) {
    x0 = Math.max(0, Math.floor(x0)); y0 = Math.max(0, Math.floor(y0));
    x1 = Math.min(state.W, Math.ceil(x1)); y1 = Math.min(state.H, Math.ceil(y1));
    if (x1 <= x0 || y1 <= y0) return;
    const d = state.dirty;
    state.dirty = d ? [Math.min(d[0], x0), Math.min(d[1], y0), Math.max(d[2], x1), Math.max(d[3], y1)] : [x0, y0, x1, y1];
    if (!state.frame) state.frame = requestAnimationFrame(flush);
  }

  function flush() {
    state.frame = 0;
    const d = state.dirty;
    state.dirty = null;
    if (!d) return;
    const t0 = performance.now();
    paint(d[0], d[1], d[2] - d[0], d[3] - d[1]);
    const dt = performance.now() - t0;
    perf.flushes++;
    perf.flushTotal += dt;
    perf.flushMax = Math.max(perf.flushMax, dt);
  }

  function paint(x, y, w, h) {
    const image = ctx.createImageData(w, h);
    const out = new Uint32Array(image.data.buffer);
    const mask = state.mask, W = state.W;
    for (let row = 0; row < h; row++) {
      const src = (y + row) * W + x, dst = row * w;
      for (let col = 0; col < w; col++) out[dst + col] = palette32[mask[src + col]];
    }
    ctx.putImageData(image, x, y);
  }

  function redrawAll() {
    ctx.clearRect(0, 0, state.W, state.H);
    for (let y = 0; y < state.H; y += 1024) paint(0, y, state.W, Math.min(1024, state.H - y));
  }

  // Undo: before an operation first writes a tile, a copy of that tile is kept.
  function beginOp() { state.op = new Map(); }

  function touch(x0, y0, x1, y1) {
    const W = state.W, H = state.H;
    x0 = Math.max(0, Math.floor(x0)); y0 = Math.max(0, Math.floor(y0));
    x1 = Math.min(W, Math.ceil(x1)); y1 = Math.min(H, Math.ceil(y1));
    const cols = Math.ceil(W / TILE);
    for (let ty = Math.floor(y0 / TILE); ty * TILE < y1; ty++) {
      for (let tx = Math.floor(x0 / TILE); tx * TILE < x1; tx++) {
        const key = ty * cols + tx;
        if (!state.op.has(key)) state.op.set(key, copyTile(tx, ty));
      }
    }
  }

  function tileRect(tx, ty) {
    const x = tx * TILE, y = ty * TILE;
    return [x, y, Math.min(TILE, state.W - x), Math.min(TILE, state.H - y)];
  }

  function copyTile(tx, ty) {
    const [x, y, w, h] = tileRect(tx, ty);
    const out = new Uint8Array(w * h);
    for (let row = 0; row < h; row++) out.set(state.mask.subarray((y + row) * state.W + x, (y + row) * state.W + x + w), row * w);
    return out;
  }

  function putTile(tx, ty, data) {
    const [x, y, w, h] = tileRect(tx, ty);
    for (let row = 0; row < h; row++) state.mask.set(data.subarray(row * w, row * w + w), (y + row) * state.W + x);
    markDirty(x, y, x + w, y + h);
  }

  function endOp() {
    const op = state.op;
    state.op = null;
    if (op && op.size) {
      state.undo.push(op);
      if (state.undo.length > 100) state.undo.shift();
      state.redo = [];
      state.changed = true;
    }
    updateButtons();
  }

  function swap(from, to) {
    const op = from.pop();
    if (!op) return;
    const cols = Math.ceil(state.W / TILE);
    const back = new Map();
    for (const [key, data] of op) {
      const tx = key % cols, ty = Math.floor(key / cols);
      back.set(key, copyTile(tx, ty));
      putTile(tx, ty, data);
    }
    to.push(back);
    state.changed = true;
    updateButtons();
  }
  const undo = () => swap(state.undo, state.redo);
  const redo = () => swap(state.redo, state.undo);

  function value() { return state.tool === "eraser" ? 0 : state.cls; }

  // A capsule from (ax, ay) to (bx, by) of radius r: only its bounding box is visited.
  function stroke(ax, ay, bx, by) {
    const r = state.size / 2, v = value();
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r)), x1 = Math.min(state.W, Math.ceil(Math.max(ax, bx) + r));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r)), y1 = Math.min(state.H, Math.ceil(Math.max(ay, by) + r));
    if (x1 <= x0 || y1 <= y0) return;
    touch(x0, y0, x1, y1);
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, r2 = r * r;
    const mask = state.mask, W = state.W;
    for (let y = y0; y < y1; y++) {
      const py = y + 0.5 - ay;
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5 - ax;
        let t = len2 ? (px * dx + py * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - t * dx, ey = py - t * dy;
        if (ex * ex + ey * ey <= r2) mask[y * W + x] = v;
      }
    }
    markDirty(x0, y0, x1, y1);
  }

  function fillRect(ax, ay, bx, by) {
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx))), x1 = Math.min(state.W, Math.ceil(Math.max(ax, bx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by))), y1 = Math.min(state.H, Math.ceil(Math.max(ay, by)));
    if (x1 <= x0 || y1 <= y0) return;
    beginOp();
    touch(x0, y0, x1, y1);
    for (let y = y0; y < y1; y++) state.mask.fill(state.cls, y * state.W + x0, y * state.W + x1);
    markDirty(x0, y0, x1, y1);
    endOp();
  }

  // Flood fill of the 4-connected area of equal mask value under (x, y): scanline spans.
  function floodFill(x, y) {
    const W = state.W, H = state.H, mask = state.mask, v = value();
    x = Math.floor(x); y = Math.floor(y);
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const target = mask[y * W + x];
    if (target === v) return;
    const spans = [];
    const seen = new Uint8Array(W * H);
    const stack = [[x, y]];
    let bx0 = x, by0 = y, bx1 = x + 1, by1 = y + 1;
    while (stack.length) {
      const [sx, sy] = stack.pop();
      const row = sy * W;
      if (seen[row + sx] || mask[row + sx] !== target) continue;
      let l = sx, r = sx;
      while (l > 0 && mask[row + l - 1] === target && !seen[row + l - 1]) l--;
      while (r < W - 1 && mask[row + r + 1] === target && !seen[row + r + 1]) r++;
      seen.fill(1, row + l, row + r + 1);
      spans.push(sy, l, r + 1);
      bx0 = Math.min(bx0, l); bx1 = Math.max(bx1, r + 1); by0 = Math.min(by0, sy); by1 = Math.max(by1, sy + 1);
      for (const ny of [sy - 1, sy + 1]) {
        if (ny < 0 || ny >= H) continue;
        const nrow = ny * W;
        for (let i = l; i <= r; i++) {
          if (!seen[nrow + i] && mask[nrow + i] === target && (i === l || mask[nrow + i - 1] !== target || seen[nrow + i - 1])) stack.push([i, ny]);
        }
      }
    }
    beginOp();
    touch(bx0, by0, bx1, by1);
    for (let i = 0; i < spans.length; i += 3) mask.fill(v, spans[i] * W + spans[i + 1], spans[i] * W + spans[i + 2]);
    markDirty(bx0, by0, bx1, by1);
    endOp();
  }

  // -- pointer, zoom and pan --------------------------------------------------------------

  // Image pixel under a pointer event: from the stage's on-screen box, so it is right at any zoom and pan.
  function toImage(e) {
    const box = stage.getBoundingClientRect();
    return [(e.clientX - box.left) * state.W / box.width, (e.clientY - box.top) * state.H / box.height];
  }

  function applyTransform() {
    const t = `translate(${state.tx}px, ${state.ty}px) scale(${state.scale})`;
    stage.style.transform = t;
    stageRef.style.transform = t;
    $("zoom-value").textContent = `${Math.round(state.scale * 100)}%`;
  }

  function zoomAt(factor, cx, cy) {
    const s = Math.min(16, Math.max(0.02, state.scale * factor));
    state.tx = cx - (cx - state.tx) * (s / state.scale);
    state.ty = cy - (cy - state.ty) * (s / state.scale);
    state.scale = s;
    applyTransform();
  }

  function fit() {
    const width = pane.clientWidth || 800;
    state.scale = Math.min(1, width / Math.max(1, state.W));
    state.tx = 0;
    state.ty = 0;
    applyTransform();
  }

  function panBy(dx, dy) {
    state.tx += dx;
    state.ty += dy;
    applyTransform();
  }

  pane.addEventListener("pointerdown", (e) => {
    if (!state.mask) return;
    pane.setPointerCapture(e.pointerId);
    if (state.tool === "pan" || state.space || e.button === 1) {
      state.panning = [e.clientX, e.clientY];
      pane.classList.add("panning");
      return;
    }
    if (e.button !== 0) return;
    const [x, y] = toImage(e);
    if (state.tool === "fill") { floodFill(x, y); return; }
    if (state.tool === "rect") { state.rectStart = [x, y]; showRect(x, y, x, y); return; }
    state.drawing = true;
    state.last = [x, y];
    beginOp();
    stroke(x, y, x, y);
  });

  pane.addEventListener("pointermove", (e) => {
    if (state.panning) {
      panBy(e.clientX - state.panning[0], e.clientY - state.panning[1]);
      state.panning = [e.clientX, e.clientY];
      return;
    }
    if (state.rectStart) { const [x, y] = toImage(e); showRect(state.rectStart[0], state.rectStart[1], x, y); return; }
    if (!state.drawing) return;
    const t0 = performance.now();
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const [x, y] = toImage(ev);
      stroke(state.last[0], state.last[1], x, y);
      state.last = [x, y];
    }
    const dt = performance.now() - t0;
    perf.events++;
    perf.total += dt;
    perf.max = Math.max(perf.max, dt);
  });

  function endPointer(e) {
    if (state.panning) { state.panning = null; pane.classList.remove("panning"); return; }
    if (state.rectStart) {
      const [x, y] = toImage(e);
      $("rect-preview").style.display = "none";
      fillRect(state.rectStart[0], state.rectStart[1], x, y);
      state.rectStart = null;
      return;
    }
    if (state.drawing) { state.drawing = false; endOp(); }
  }
  pane.addEventListener("pointerup", endPointer);
  pane.addEventListener("pointercancel", endPointer);

  function showRect(ax, ay, bx, by) {
    const box = $("rect-preview");
    Object.assign(box.style, {
      display: "block", left: `${Math.min(ax, bx)}px`, top: `${Math.min(ay, by)}px`,
      width: `${Math.abs(bx - ax)}px`, height: `${Math.abs(by - ay)}px`,
    });
  }

  for (const p of [pane, paneRef]) {
    p.addEventListener("wheel", (e) => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        const box = p.getBoundingClientRect();
        zoomAt(Math.exp(-e.deltaY * 0.002), e.clientX - box.left, e.clientY - box.top);
      } else if (e.shiftKey) {
        panBy(-e.deltaY, 0);
      } else {
        panBy(-e.deltaX, -e.deltaY);
      }
    }, { passive: false });
  }

  // -- views, tools, saving ---------------------------------------------------------------

  function setView(view) {
    state.view = view;
    document.querySelectorAll("#views button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
    paneRef.style.display = view === "side" ? "" : "none";
    $("img-ref").style.display = view === "overlay" || view === "swipe" ? "" : "none";
    $("img-cand").style.display = view === "diff" ? "none" : "";
    $("img-diff").style.display = view === "diff" ? "" : "none";
    $("opacity-box").style.display = view === "overlay" ? "" : "none";
    $("swipe-box").style.display = view === "swipe" ? "" : "none";
    $("img-cand").style.opacity = view === "overlay" ? String($("opacity").value / 100) : "1";
    $("img-cand").style.clipPath = view === "swipe" ? `inset(0 ${100 - $("swipe").value}% 0 0)` : "none";
    if (view === "diff") showDiff();
  }

  function setTool(tool) {
    state.tool = tool;
    document.querySelectorAll("#tools button").forEach((b) => b.classList.toggle("active", b.dataset.tool === tool));
    pane.className = `pane tool-${tool}`;
  }

  function setSize(size) {
    state.size = Math.max(1, Math.min(80, size));
    $("size").value = String(state.size);
    $("size-value").textContent = String(state.size);
  }

  function setClass(cls) {
    if (cls < 1 || cls >= state.classes.length) return;
    state.cls = cls;
    $("class").value = String(cls);
  }

  function updateButtons() {
    $("undo").disabled = !state.undo.length;
    $("redo").disabled = !state.redo.length;
  }

  function afterSave(data, what) {
    state.changed = false;
    Object.assign(state.pairs[state.index], data.pair);
    state.pair = state.pairs[state.index];
    setProgress(data.labeled, data.total);
    renderQueue();
    say(`${what} ${data.pair.name}: ${data.pair.kind}, revision ${data.pair.revision}`, "ok");
    if ($("advance").checked) next();
  }

  function conflict(err, retry) {
    say(`${err.message}`, "error");
    const box = $("message");
    const button = document.createElement("button");
    button.textContent = "Overwrite with mine";
    button.addEventListener("click", () => retry(true));
    box.append(" ", button);
  }

  function maskBlob() {
    const c = document.createElement("canvas");
    c.width = state.W;
    c.height = state.H;
    const cx = c.getContext("2d");
    const image = cx.createImageData(state.W, state.H);
    const out = new Uint32Array(image.data.buffer);
    const mask = state.mask;
    for (let i = 0; i < mask.length; i++) out[i] = 0xff000000 | (mask[i] * 0x010101);  // grey: R = class
    cx.putImageData(image, 0, 0);
    return new Promise((resolve) => c.toBlob(resolve, "image/png"));
  }

  async function save(force) {
    if (!state.pair) return;
    const pair = state.pair;
    say(`saving ${pair.name}…`);
    try {
      const blob = await maskBlob();
      const data = await api(`/api/pairs/${encodeURIComponent(pair.id)}/mask?revision=${pair.revision}${force ? "&force=1" : ""}`,
        { method: "POST", headers: { "Content-Type": "image/png" }, body: blob });
      afterSave(data, "saved");
    } catch (err) {
      if (err.status === 409) conflict(err, save); else say(`not saved: ${err.message}`, "error");
    }
  }

  // A label the server makes from the pair itself: "benign" (all 0) or "change" (class 1 where it differs).
  async function saveMade(action, what, force) {
    if (!state.pair) return;
    const pair = state.pair;
    try {
      const data = await api(`/api/pairs/${encodeURIComponent(pair.id)}/${action}?revision=${pair.revision}${force ? "&force=1" : ""}`,
        { method: "POST" });
      if (action === "benign") { state.mask.fill(0); redrawAll(); }
      afterSave(data, what);
      if (action === "change" && !$("advance").checked) open(state.index);  // show the mask the server made
    } catch (err) {
      if (err.status === 409) conflict(err, (again) => saveMade(action, what, again)); else say(`not saved: ${err.message}`, "error");
    }
  }
  const benign = (force) => saveMade("benign", "no defect:", force);
  const changed = (force) => saveMade("change", "changed, not broken:", force);

  async function skip() {
    if (!state.pair) return;
    if (state.changed && !confirm("Skip and drop the unsaved changes?")) return;
    try {
      const data = await api(`/api/pairs/${encodeURIComponent(state.pair.id)}/skip`, { method: "POST" });
      state.changed = false;
      const id = state.pair.id;
      const data2 = await api("/api/pairs");
      state.pairs = data2.pairs;
      setProgress(data.labeled, data.total);
      const at = state.pairs.findIndex((p) => p.id === id);
      state.index = at;
      renderQueue();
      const nextTodo = state.pairs.findIndex((p) => p.status === "todo");
      open(nextTodo >= 0 ? nextTodo : Math.min(at + 1, state.pairs.length - 1));
    } catch (err) {
      say(`not skipped: ${err.message}`, "error");
    }
  }

  function next() {
    const after = state.pairs.findIndex((p, i) => i > state.index && p.status !== "labeled");
    if (after >= 0) open(after);
    else if (state.index + 1 < state.pairs.length) open(state.index + 1);
  }

  document.querySelectorAll("#views button").forEach((b) => b.addEventListener("click", () => setView(b.dataset.view)));
  document.querySelectorAll("#tools button").forEach((b) => b.addEventListener("click", () => setTool(b.dataset.tool)));
  $("opacity").addEventListener("input", () => setView(state.view));
  $("swipe").addEventListener("input", () => setView(state.view));
  $("size").addEventListener("input", () => setSize(Number($("size").value)));
  $("class").addEventListener("change", () => setClass(Number($("class").value)));
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);
  $("zoom-in").addEventListener("click", () => zoomAt(1.25, pane.clientWidth / 2, pane.clientHeight / 2));
  $("zoom-out").addEventListener("click", () => zoomAt(0.8, pane.clientWidth / 2, pane.clientHeight / 2));
  $("zoom-fit").addEventListener("click", fit);
  $("save").addEventListener("click", () => save(false));
  $("benign").addEventListener("click", () => benign(false));
  $("change").addEventListener("click", () => changed(false));
  $("skip").addEventListener("click", skip);
  $("show-regions").addEventListener("change", () => { if (state.pair) drawRegions(); });

  const VIEWS = ["side", "overlay", "swipe", "diff"];
  document.addEventListener("keydown", (e) => {
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
    const key = e.key;
    if ((e.ctrlKey || e.metaKey) && key.toLowerCase() === "z") { e.preventDefault(); (e.shiftKey ? redo : undo)(); return; }
    if ((e.ctrlKey || e.metaKey) && key.toLowerCase() === "y") { e.preventDefault(); redo(); return; }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const actions = {
      b: () => setTool("brush"), e: () => setTool("eraser"), r: () => setTool("rect"), f: () => setTool("fill"),
      h: () => setTool("pan"), "[": () => setSize(state.size - 2), "]": () => setSize(state.size + 2),
      s: () => save(false), n: () => benign(false), c: () => changed(false), k: () => skip(),
      v: () => setView(VIEWS[(VIEWS.indexOf(state.view) + 1) % VIEWS.length]),
      "+": () => zoomAt(1.25, pane.clientWidth / 2, pane.clientHeight / 2), "=": () => zoomAt(1.25, pane.clientWidth / 2, pane.clientHeight / 2),
      "-": () => zoomAt(0.8, pane.clientWidth / 2, pane.clientHeight / 2), "0": fit,
      ArrowRight: () => open(state.index + 1), ArrowLeft: () => open(state.index - 1),
    };
    if (key === " ") { state.space = true; e.preventDefault(); return; }
    if (/^[1-9]$/.test(key)) { setClass(Number(key)); return; }
    const action = actions[key.length === 1 ? key.toLowerCase() : key];
    if (action) { e.preventDefault(); action(); }
  });
  document.addEventListener("keyup", (e) => { if (e.key === " ") state.space = false; });
  window.addEventListener("beforeunload", (e) => { if (state.changed) { e.preventDefault(); e.returnValue = ""; } });

  setTool("brush");
  setSize(12);
  setView("side");
  loadQueue().then(() => {
    const first = state.pairs.findIndex((p) => p.status !== "labeled");
    if (state.pairs.length) open(first >= 0 ? first : 0);
    else say("no pairs to label in this folder");
  }).catch((err) => say(`cannot load the queue: ${err.message}`, "error"));
})();
