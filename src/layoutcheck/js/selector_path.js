// The CSS selector that names an element in layoutcheck's element-box sidecars and synth labels,
// the way browser devtools name one: the shortest selector unique on the page that we try, built
// from ids, classes and tag names (`#plans .card:nth-child(2)`, `.faq dt:nth-of-type(3)`), with a
// position only where nothing else tells the element from its siblings. Ids and classes that look
// generated (hashes, long digit runs, CSS-in-JS prefixes) are never used: they change between builds.
// Unique means `document.querySelectorAll(sel)` is exactly this element.
//
// Cost: capture names every visible element, so the page-wide counts of ids, classes and tags are
// taken in one walk and each tried selector is counted once; a MutationObserver drops both when
// the DOM changes (synth names elements between its edits).
// Not loaded on its own: layoutcheck.elements.with_selector_path puts this expression into the
// scripts that need it (js/element_boxes.js, synth/js/mutations.js), so capture and synth agree.
(() => {
  const esc = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/[^\w-]/g, (c) => "\\" + c));
  // Generated: a run of 4+ digits, a CSS-in-JS prefix, a React useId, or a part of 5+ characters
  // mixing letters and digits (a hash such as `x7f3ab`), or a 20+ character unbroken token.
  const generated = (s) =>
    /\d{4,}/.test(s) || /^(css|sc|jsx|svelte|emotion|styled|ember)-/i.test(s) || /^:|:$/.test(s) ||
    s.split(/[-_]+/).some((p) => p.length >= 5 && /\d/.test(p) && /[a-z]/i.test(p)) || /^[^-_]{20,}$/.test(s);
  const RIVALS = 48; // more look-alikes than this on the page: named through the parent, no search
  let counts = null; // name -> elements on the page with it ("#id", ".class", "tag")
  let found = new Map(); // compound selector -> the elements on the page it matches
  let steps = new WeakMap(); // element -> its step (below)
  let named = new WeakMap(); // element -> its selector
  const observer = window.MutationObserver ? new MutationObserver(() => {}) : null;
  if (observer && document.documentElement) {
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ["id", "class"] });
  }
  const fresh = () => {
    if (observer && observer.takeRecords().length) { counts = null; found = new Map(); steps = new WeakMap(); named = new WeakMap(); }
    if (counts) return;
    counts = new Map();
    const add = (k) => counts.set(k, (counts.get(k) || 0) + 1);
    for (const node of document.getElementsByTagName("*")) {
      add(node.localName);
      if (node.id) add("#" + node.id);
      for (const c of node.classList) add("." + c);
    }
  };
  // The elements on the page a compound selector matches, found once per compound.
  const poolOf = (compound) => {
    let pool = found.get(compound);
    if (pool === undefined) {
      try { pool = [...document.querySelectorAll(compound)]; } catch (e) { pool = []; }
      found.set(compound, pool);
    }
    return pool;
  };
  // Of `pool`, the elements other than `el` that `sel` matches too: only they need testing, as
  // `sel` ends in the compound that made the pool; the whole page is never searched per try.
  const others = (pool, sel, el) => pool.filter((m) => m !== el && m.matches(sel));
  const names = (node) => [...node.classList].filter((c) => c.trim() && !generated(c));
  // Rarer classes first; utility classes that need escaping (`md:flex`, `w-1/2`) last.
  const rarer = (a, b) => (a[0].includes("\\") - b[0].includes("\\")) || a[1] - b[1] || a[0].length - b[0].length;
  // The element's own simple selectors, most distinctive first: [selector, page count].
  const own = (node) => {
    const tag = node.localName;
    const out = [];
    if (node.id && !generated(node.id)) out.push(["#" + esc(node.id), counts.get("#" + node.id) || 0]);
    const classes = names(node).map((c) => ["." + esc(c), counts.get("." + c) || 0]);
    classes.sort(rarer);
    out.push(...classes.slice(0, 2));
    if (classes.length >= 2) out.push([classes[0][0] + classes[1][0], -1]);
    out.push([esc(tag), counts.get(tag) || 0]);
    return out;
  };
  // A step that tells `node` from its siblings: its rarest class or its tag, with a position
  // (`:nth-child` after a class, `:nth-of-type` after a tag) only when a sibling shares it.
  const step = (node) => {
    let s = steps.get(node);
    if (s === undefined) steps.set(node, (s = stepOf(node)));
    return s;
  };
  const stepOf = (node) => {
    const parent = node.parentElement;
    const classes = names(node).map((c) => ["." + esc(c), counts.get("." + c) || 0]).sort(rarer).map((c) => c[0]);
    const tag = node.localName;
    if (!parent) return esc(tag);
    const sibs = [...parent.children];
    for (const c of classes) if (sibs.every((s) => s === node || !s.matches(c))) return c;
    if (sibs.every((s) => s === node || s.localName !== tag)) return esc(tag);
    if (classes.length) return classes[0] + `:nth-child(${sibs.indexOf(node) + 1})`;
    const index = sibs.filter((s) => s.localName === tag).indexOf(node) + 1;
    return `${esc(tag)}:nth-of-type(${index})`;
  };
  const anchorOf = (node) => node.id && !generated(node.id) && counts.get("#" + node.id) === 1;
  const name = (el) => {
    let s = named.get(el);
    if (s === undefined) named.set(el, (s = nameOf(el)));
    return s;
  };
  const nameOf = (el) => {
    const tag = el.localName;
    if (tag === "html" || tag === "body" || tag === "head" || !el.parentElement) return tag;
    for (const [sel, n] of own(el)) if (n === 1 || (n === -1 && !others(poolOf(sel), sel, el).length)) return sel;
    const last = step(el);
    let rivals = poolOf(last).filter((m) => m !== el);
    if (!rivals.length) return last;
    // Always unique: the parent's name, then this element's step among its siblings.
    const parent = el.parentElement.localName === "html" ? "html" : name(el.parentElement);
    const child = `${parent} > ${last}`;
    if (rivals.length > RIVALS) return child;
    const ancestors = []; // their steps, nearest first, up to the nearest unique id (the head) or body
    let head = null;
    for (let node = el.parentElement; node && node.localName !== "html"; node = node.parentElement) {
      if (node.localName === "body") break;
      if (anchorOf(node)) { head = "#" + esc(node.id); break; }
      ancestors.push(step(node));
    }
    if (head && !others(rivals, `${head} ${last}`, el).length) return `${head} ${last}`;
    // Bottom-up: an ancestor's step joins only when it rules out some of the rivals left.
    let kept = [last];
    for (const s of head ? [...ancestors, head] : ancestors) {
      const r = others(rivals, [s, ...kept].join(" "), el);
      if (r.length < rivals.length) { kept = [s, ...kept]; rivals = r; }
      if (!rivals.length) break;
    }
    if (rivals.length) return child; // descendants cannot tell nested look-alikes apart
    for (let i = 0; i < kept.length - 1; ) { // a step taken early may be redundant after a later one
      const fewer = kept.slice(0, i).concat(kept.slice(i + 1));
      if (!others(poolOf(last), fewer.join(" "), el).length) kept = fewer;
      else i += 1;
    }
    const short = kept.join(" ");
    return short.length <= child.length ? short : child;
  };
  return (el) => {
    fresh();
    return name(el);
  };
})()
