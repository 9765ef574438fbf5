// Page-side half of layoutcheck.synth.mutations, installed once per document as window.__lcMut.
// It lists the visible elements with the features the Python planners choose from, applies
// recorded DOM/CSS edits, measures boxes before and after them, and undoes everything.
// All boxes are in CSS pixels of the document (viewport rect + scroll offset).
() => {
  if (window.__lcMut) return window.__lcMut.token;
  const SKIP = new Set(["script", "style", "template", "noscript", "link", "meta", "br", "wbr", "head", "title"]);
  const LIMIT = 4000;
  const M = { token: String(Date.now()) + ":" + String(performance.now()), els: [], texts: [], undo: [], marks: null };

  const box = (r) => [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height];
  const union = (a, b) => {
    if (!a) return b;
    if (!b) return a;
    const x = Math.min(a[0], b[0]), y = Math.min(a[1], b[1]);
    return [x, y, Math.max(a[0] + a[2], b[0] + b[2]) - x, Math.max(a[1] + a[3], b[1] + b[3]) - y];
  };
  const alpha = (c) => {
    const m = /^(?:rgba?|color)\((?:srgb )?([^)]+)\)$/.exec(c || "");
    if (!m) return c === "transparent" ? 0 : 1;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean);
    return p.length > 3 ? parseFloat(p[3]) : 1;
  };
  const shadowPad = (cs) => {
    let pad = 0;
    if (cs.boxShadow && cs.boxShadow !== "none") {
      for (const part of cs.boxShadow.split(/,(?![^(]*\))/)) {
        if (/inset/.test(part)) continue;
        const n = (part.replace(/rgba?\([^)]*\)/g, "").match(/-?[\d.]+px/g) || []).map(parseFloat);
        const [ox = 0, oy = 0, blur = 0, spread = 0] = n;
        pad = Math.max(pad, Math.abs(ox) + blur + spread, Math.abs(oy) + blur + spread);
      }
    }
    if (cs.outlineStyle !== "none") {
      pad = Math.max(pad, parseFloat(cs.outlineWidth) + Math.max(0, parseFloat(cs.outlineOffset) || 0));
    }
    return pad;
  };
  // Element i of the scan (or what replaced it); -1 is <body>, -2 is <html>.
  const live = (i) => (i === -1 ? document.body : i === -2 ? document.documentElement
    : (M.swapped && M.swapped.get(i)) || M.els[i]);

  // The visual extent of an element: its border box, its (possibly overflowing) contents and its
  // shadow/outline. Null when it is not rendered.
  M.extent = (el) => {
    if (!el || !el.isConnected) return null;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (cs.display === "none" || (r.width === 0 && r.height === 0 && !el.firstChild)) return null;
    let ext = r.width > 0 || r.height > 0 ? box(r) : null;
    if (el.firstChild && !(el instanceof SVGElement)) {
      const range = document.createRange();
      range.selectNodeContents(el);
      for (const cr of range.getClientRects()) if (cr.width > 0 && cr.height > 0) ext = union(ext, box(cr));
    }
    if (!ext) return null;
    const pad = shadowPad(cs);
    return pad ? [ext[0] - pad, ext[1] - pad, ext[2] + 2 * pad, ext[3] + 2 * pad] : ext;
  };

  const lineCount = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = [];
    for (const cr of range.getClientRects()) {
      if (cr.height < 4 || cr.width < 1) continue;
      if (!tops.some((t) => Math.abs(t - cr.bottom) < cr.height * 0.5)) tops.push(cr.bottom);
    }
    return tops.length;
  };

  // One pass over the visible elements: the features the planners choose from.
  M.scan = () => {
    M.els = [];
    M.texts = [];
    const feats = [], texts = [], index = new Map();
    for (const el of document.body ? document.body.querySelectorAll("*") : []) {
      if (M.els.length >= LIMIT) break;
      const tag = el.tagName.toLowerCase();
      if (SKIP.has(tag)) continue;
      if (el instanceof SVGElement && tag !== "svg") continue;
      if (el.closest("[data-lc-synth]")) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 1 || r.height < 1) continue;
      const cs = getComputedStyle(el);
      if (cs.display === "none" || cs.visibility !== "visible" || parseFloat(cs.opacity) === 0) continue;
      const i = M.els.length;
      M.els.push(el);
      index.set(el, i);
      const parent = el.parentElement;
      const pcs = parent ? getComputedStyle(parent) : null;
      let own = 0, inlineOnly = true, kids = 0;
      for (const c of el.childNodes) {
        if (c.nodeType === 3) own += c.textContent.trim().length;
        else if (c.nodeType === 1) {
          const ccs = getComputedStyle(c);
          if (ccs.display === "none") continue;
          kids += 1;
          if (!/^inline/.test(ccs.display) && ccs.display !== "contents") inlineOnly = false;
        }
      }
      const f = {
        i, tag, pi: parent && index.has(parent) ? index.get(parent) : -1,
        lc: el.getAttribute("data-lc") || "", lcc: el.hasAttribute("data-lc-container") ? 1 : 0,
        id: el.id || "", cls: (typeof el.className === "string" ? el.className : "").slice(0, 120),
        b: box(r), d: cs.display, p: cs.position, fl: cs.cssFloat, ov: cs.overflowX + "/" + cs.overflowY,
        pd: pcs ? pcs.display : "", pfd: pcs ? pcs.flexDirection : "", pfw: pcs ? pcs.flexWrap : "",
        fd: cs.flexDirection, fw: cs.flexWrap, gtc: cs.gridTemplateColumns.split(" ").length,
        kids, own, inl: inlineOnly ? 1 : 0, txt: Math.min(10000, (el.textContent || "").trim().length),
        fs: parseFloat(cs.fontSize), lh: cs.lineHeight === "normal" ? -1 : parseFloat(cs.lineHeight),
        ff: cs.fontFamily, fwt: cs.fontWeight, col: cs.color, bg: cs.backgroundColor,
        bga: alpha(cs.backgroundColor), bgi: /url\(/.test(cs.backgroundImage) ? 1 : 0,
        bgg: /gradient\(/.test(cs.backgroundImage) ? 1 : 0,
        bd: Math.max(...[cs.borderTopWidth, cs.borderRightWidth, cs.borderBottomWidth, cs.borderLeftWidth].map(parseFloat)),
        bdc: cs.borderTopColor, sh: cs.boxShadow !== "none" ? 1 : 0, z: cs.zIndex, tr: cs.transform !== "none" ? 1 : 0,
        ws: cs.whiteSpace, ta: cs.textAlign, jc: cs.justifyContent, ai: cs.alignItems, bs: cs.boxSizing,
        pad: [cs.paddingTop, cs.paddingRight, cs.paddingBottom, cs.paddingLeft].map(parseFloat),
        mar: [cs.marginTop, cs.marginRight, cs.marginBottom, cs.marginLeft].map(parseFloat),
        gap: parseFloat(cs.columnGap) || 0,
        lines: 0, type: el.getAttribute("type") || "", alt: el.getAttribute("alt"),
        src: tag === "img" ? el.getAttribute("src") || "" : "", srcset: el.hasAttribute("srcset") ? 1 : 0,
        pin: tag === "input" || tag === "textarea" ? { outline: cs.outline, shadow: cs.boxShadow, border: cs.borderColor,
              bg: cs.backgroundColor, color: cs.color, vlen: (el.value || "").length } : null,
        iso: cs.isolation !== "auto" || cs.filter !== "none" || cs.willChange !== "auto"
          || parseFloat(cs.opacity) < 1 ? 1 : 0,
      };
      if (own > 0 && inlineOnly && !/^inline/.test(cs.display)) f.lines = lineCount(el);
      feats.push(f);
      for (const c of el.childNodes) {
        if (c.nodeType !== 3) continue;
        const s = c.textContent;
        if (s.trim().length < 2) continue;
        const range = document.createRange();
        range.selectNodeContents(c);
        const rr = range.getBoundingClientRect();
        if (rr.width < 1 || rr.height < 1) continue;
        texts.push({ t: M.texts.length, pi: i, s: s.slice(0, 600), b: box(rr) });
        M.texts.push(c);
      }
    }
    const de = document.documentElement;
    return { token: M.token, els: feats, texts, vw: window.innerWidth, vh: window.innerHeight,
             dw: de.scrollWidth, dh: de.scrollHeight, url: location.href };
  };

  const recordStyle = (el) => {
    if (M.styled.has(el)) return;
    M.styled.add(el);
    const old = el.getAttribute("style");
    // Reading the attribute first flushes Chromium's lazy CSSOM -> attribute sync; without it a
    // removed attribute can come back later as style="".
    M.undo.push(() => {
      el.getAttribute("style");
      if (old === null) el.removeAttribute("style");
      else el.setAttribute("style", old);
    });
  };
  // All attributes, in order (restoring one removed attribute would otherwise move it to the end).
  const recordAttrs = (el) => {
    if (M.attred.has(el)) return;
    M.attred.add(el);
    const old = Array.from(el.attributes, (a) => [a.namespaceURI, a.name, a.value]);
    M.undo.push(() => {
      el.getAttribute("style");
      for (const a of Array.from(el.attributes)) el.removeAttributeNode(a);
      for (const [ns, name, value] of old) el.setAttributeNS(ns, name, value);
    });
  };
  const fromHtml = (html, like) => {
    const holder = like instanceof SVGElement
      ? document.createElementNS("http://www.w3.org/2000/svg", "svg")
      : document.createElement("div");
    holder.innerHTML = html;
    return Array.from(holder.childNodes);
  };

  const OPS = {
    css: (o) => { const el = live(o.i); recordStyle(el); el.style.setProperty(o.prop, o.val, "important"); },
    attr: (o) => {
      const el = live(o.i);
      recordAttrs(el);
      if (o.val === null) el.removeAttribute(o.name);
      else el.setAttribute(o.name, o.val);
    },
    text: (o) => { const n = M.texts[o.t]; const old = n.data; M.undo.push(() => { n.data = old; }); n.data = o.val; },
    html: (o) => {
      const el = live(o.i);
      const old = Array.from(el.childNodes);
      M.undo.push(() => el.replaceChildren(...old));
      el.replaceChildren(...fromHtml(o.val, el));
    },
    swap: (o) => {
      const el = live(o.i);
      const neu = fromHtml(o.val, el.parentElement).find((n) => n.nodeType === 1);
      neu.setAttribute("data-lc-synth", "");
      el.replaceWith(neu);
      M.swapped.set(o.i, neu);
      M.undo.push(() => { neu.replaceWith(el); M.swapped.delete(o.i); });
    },
    sheet: (o) => {
      const s = document.createElement("style");
      s.setAttribute("data-lc-synth", "");
      s.textContent = o.val;
      document.head.appendChild(s);
      M.undo.push(() => s.remove());
    },
    focus: (o) => {
      const el = live(o.i);
      el.focus({ preventScroll: true });
      if (o.pos !== undefined && el.setSelectionRange) {
        try { el.setSelectionRange(o.pos, o.pos); } catch (e) { /* email/number inputs have no selection API */ }
      }
      M.undo.push(() => el.blur());
    },
  };

  // The union of the boxes of an element's contents (text and descendants), clipped or not.
  const inner = (el) => {
    if (!el.firstChild || el instanceof SVGElement) return null;
    const range = document.createRange();
    range.selectNodeContents(el);
    let out = null;
    for (const cr of range.getClientRects()) if (cr.width > 0 && cr.height > 0) out = union(out, box(cr));
    return out;
  };

  // Document x of a full-page screenshot's left edge: 0, or negative when a right-to-left page
  // overflows to the left (the screenshot then starts at the leftmost scroll position).
  const originX = () => {
    const sx = window.scrollX, sy = window.scrollY;
    window.scrollTo(-1e7, sy);
    const o = window.scrollX;
    window.scrollTo(sx, sy);
    return Math.min(0, o);
  };

  const geometry = (subjects) => {
    const out = {};
    for (const i of subjects) {
      const el = live(i);
      const ext = M.extent(el);
      out[i] = ext && { ext, r: box(el.getBoundingClientRect()), in: inner(el), sw: el.scrollWidth, sh: el.scrollHeight,
                        cw: el.clientWidth, ch: el.clientHeight };
    }
    const de = document.documentElement;
    return { sub: out, dw: de.scrollWidth, dh: de.scrollHeight, vw: window.innerWidth, ox: originX() };
  };

  // Measure the subjects, apply the edits, measure again. Returns {before, after}.
  M.apply = (ops, subjects) => {
    if (M.undo.length) M.revert();
    M.undo = [];
    M.styled = new Set();
    M.attred = new Set();
    M.swapped = new Map();
    M.marks = new Set(document.querySelectorAll("style"));
    M.subjects = subjects;
    M.ref = geometry(subjects);
    M.before = M.els.map((el) => box(el.getBoundingClientRect()));
    for (const o of ops) OPS[o.k](o);
    return { before: M.ref, after: geometry(subjects) };
  };

  const inter = (a, b) => {
    const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
    const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
    return w > 0 && h > 0 ? w * h : 0;
  };

  // After the candidate shot: the subjects' final geometry and the elements they now collide
  // with (elements that did not move, are not related to a subject and newly intersect one).
  M.finish = (maxArea) => {
    const after = geometry(M.subjects);
    const subs = M.subjects.map((i) => live(i));
    const exts = M.subjects.map((i) => after.sub[i] && after.sub[i].ext).filter(Boolean);
    const olds = M.subjects.map((i) => M.ref.sub[i] && M.ref.sub[i].ext).filter(Boolean);
    const hit = [];
    M.els.forEach((el, j) => {
      if (!el.isConnected || subs.some((s) => s === el || s.contains(el) || el.contains(s))) return;
      const b0 = M.before[j], b1 = box(el.getBoundingClientRect());
      if (b1[2] < 1 || b1[3] < 1 || b1[2] * b1[3] > maxArea) return;
      if (b0.some((v, k) => Math.abs(v - b1[k]) > 0.5)) return;
      const now = exts.reduce((a, e) => a + inter(e, b1), 0);
      const then = olds.reduce((a, e) => a + inter(e, b1), 0);
      if (now > then + 4) hit.push(b1);
    });
    return { after, collided: hit };
  };

  // A CSS selector path of scan element i (the format of layoutcheck's element-box sidecars).
  const pathOf = /* selector_path.js */;
  M.path = (i) => pathOf(M.els[i]);

  M.revert = () => {
    for (const fn of M.undo.reverse()) fn();
    M.undo = [];
    if (M.marks) for (const s of document.querySelectorAll("style")) if (!M.marks.has(s)) s.remove();
    M.marks = null;
    return true;
  };

  window.__lcMut = M;
  return M.token;
}
