// The stable CSS selector path of an element, the format of layoutcheck's element-box sidecars:
// the nearest unique #id (or html/body), then tag:nth-of-type(n) steps down to the element.
// Not loaded on its own: layoutcheck.elements.with_selector_path puts it into the scripts that
// need it (js/element_boxes.js, synth/js/mutations.js), so capture and synth labels agree.
(el) => {
  const esc = (s) => (window.CSS && CSS.escape ? CSS.escape(s) : s);
  const parts = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const tag = node.tagName.toLowerCase();
    if (node.id && document.querySelectorAll("#" + esc(node.id)).length === 1) {
      parts.unshift("#" + esc(node.id));
      break;
    }
    if (tag === "html" || tag === "body") { parts.unshift(tag); break; }
    let index = 1;
    for (let sib = node.previousElementSibling; sib; sib = sib.previousElementSibling) {
      if (sib.tagName === node.tagName) index += 1;
    }
    parts.unshift(`${tag}:nth-of-type(${index})`);
  }
  return parts.join(" > ");
}
