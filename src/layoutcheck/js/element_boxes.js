// Returns the visible elements of the page with a stable CSS selector and their box in CSS pixels
// relative to the screenshot origin, and the index of the nearest listed ancestor (-1: none).
// Argument: {originX, originY, clipW, clipH, limit}.
(opts) => {
  const pathOf = /* selector_path.js */;
  const ownText = (el) => {
    let n = 0;
    for (const c of el.childNodes) if (c.nodeType === 3) n += c.textContent.trim().length;
    return n;
  };
  const out = [];
  const index = new Map(); // element -> its index in out
  const sx = window.scrollX, sy = window.scrollY;
  for (const el of document.body ? document.body.querySelectorAll("*") : []) {
    if (out.length >= opts.limit) break;
    const tag = el.tagName.toLowerCase();
    if (tag === "script" || tag === "style" || tag === "template" || tag === "noscript") continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden" || cs.display === "none" || parseFloat(cs.opacity) === 0) continue;
    let x = r.left + sx - opts.originX, y = r.top + sy - opts.originY;
    let x2 = x + r.width, y2 = y + r.height;
    x = Math.max(0, x); y = Math.max(0, y);
    x2 = Math.min(opts.clipW, x2); y2 = Math.min(opts.clipH, y2);
    if (x2 - x < 1 || y2 - y < 1) continue;
    let parent = el.parentElement;
    while (parent && !index.has(parent)) parent = parent.parentElement;
    index.set(el, out.length);
    out.push({selector: pathOf(el), tag, box: [x, y, x2 - x, y2 - y], text_length: ownText(el),
              parent: parent ? index.get(parent) : -1});
  }
  return out;
}
