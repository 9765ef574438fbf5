/* layoutcheck report: filters, view tabs, sliders and region highlighting. Vanilla, no network. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("report-config").textContent);
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.pairs tbody tr[data-verdict]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.pair"));
  var filterButtons = Array.prototype.slice.call(document.querySelectorAll("button.filter"));
  var emptyNote = document.getElementById("empty-filter");

  /* Filters: hide the rows and the sections of the other verdicts. */
  function applyFilter(name) {
    if (!Object.prototype.hasOwnProperty.call(config.filters, name)) name = "all";
    var verdict = config.filters[name];
    var shown = 0;
    rows.concat(sections).forEach(function (el) {
      el.hidden = verdict !== null && el.dataset.verdict !== verdict;
    });
    rows.forEach(function (row) { if (!row.hidden) shown += 1; });
    filterButtons.forEach(function (b) {
      var on = b.dataset.filter === name;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    emptyNote.hidden = shown > 0 || rows.length === 0;
    document.body.dataset.filter = name;
  }

  /* A link to a pair the filter hides shows every pair first. */
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    if (target && target.classList.contains("pair") && target.hidden) {
      applyFilter("all");
      target.scrollIntoView();
    }
  }

  /* View tabs inside one pair. */
  function selectView(section, view) {
    section.querySelectorAll('[data-role="tab"]').forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.dataset.view === view ? "true" : "false");
    });
    section.querySelectorAll("[data-view-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.viewPanel !== view;
    });
  }

  /* Sliders: diff opacity, swipe position, onion-skin opacity. */
  function applySlider(input) {
    var panel = input.closest(".view");
    var value = Number(input.value);
    var output = input.parentElement.querySelector("output");
    if (output) output.textContent = value + "%";
    if (!panel) return;
    var role = input.dataset.role;
    if (role === "opacity") {
      panel.querySelector('[data-role="overlay"]').style.opacity = String(value / 100);
    } else if (role === "onion") {
      panel.querySelector('[data-role="onion-top"]').style.opacity = String(value / 100);
    } else if (role === "swipe") {
      panel.querySelector('[data-role="swipe-top"]').style.clipPath = "inset(0 " + (100 - value) + "% 0 0)";
      panel.querySelector('[data-role="swipe-line"]').style.left = value + "%";
    }
  }

  function visibleBoxes(section, index) {
    return Array.prototype.filter.call(
      section.querySelectorAll('.box[data-region="' + index + '"]'),
      function (box) { return box.offsetParent !== null; }
    );
  }

  /* Clicking a row of the region table brings its box into view and flashes it. */
  function showRegion(row) {
    var section = row.closest("section.pair");
    var index = row.dataset.region;
    section.classList.remove("hide-regions");
    var toggle = section.querySelector('[data-role="show-regions"]');
    if (toggle) toggle.checked = true;
    var boxes = visibleBoxes(section, index);
    if (!boxes.length && section.querySelector('[data-view-panel="overlay"]')) {
      selectView(section, "overlay");
      boxes = visibleBoxes(section, index);
    }
    if (!boxes.length) return;
    boxes[0].scrollIntoView({ block: "center", inline: "nearest", behavior: "smooth" });
    boxes.forEach(function (box) {
      box.classList.remove("flash");
      void box.offsetWidth; // restart the animation
      box.classList.add("flash");
    });
  }

  function highlight(row, on) {
    var section = row.closest("section.pair");
    section.querySelectorAll('.box[data-region="' + row.dataset.region + '"]').forEach(function (box) {
      box.classList.toggle("hot", on);
    });
  }

  /* A diff image may be larger than the candidate; size it from its own pixels. */
  function fitDiff(img) {
    var stage = img.closest(".stage");
    var cw = stage && Number(stage.dataset.cw);
    if (cw && img.naturalWidth) img.style.width = (100 * img.naturalWidth / cw) + "%";
  }

  document.addEventListener("click", function (event) {
    var el = event.target.closest("button, tr[data-region]");
    if (!el) return;
    if (el.classList.contains("filter")) {
      applyFilter(el.dataset.filter);
    } else if (el.dataset.role === "tab") {
      selectView(el.closest("section.pair"), el.dataset.view);
    } else if (el.dataset.role === "actual-size") {
      var on = el.closest("section.pair").classList.toggle("actual");
      el.setAttribute("aria-pressed", on ? "true" : "false");
    } else if (el.dataset.region) {
      showRegion(el);
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches('input[type="range"][data-role]')) applySlider(event.target);
  });

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches('input[type="range"][data-role]')) applySlider(el);
    if (el.dataset.role === "show-regions") el.closest("section.pair").classList.toggle("hide-regions", !el.checked);
  });

  document.addEventListener("keydown", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-region]");
    if (row && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      showRegion(row);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) return;
    if (event.key !== "j" && event.key !== "k") return;
    var visible = sections.filter(function (s) { return !s.hidden; });
    var current = -1;
    visible.forEach(function (s, i) { if (s.getBoundingClientRect().top <= 16) current = i; });
    var next = visible[event.key === "j" ? current + 1 : Math.max(current - 1, 0)];
    if (next) next.scrollIntoView({ block: "start" });
  });

  ["mouseover", "mouseout", "focusin", "focusout"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var row = event.target.closest && event.target.closest("tr[data-region]");
      if (row) highlight(row, type === "mouseover" || type === "focusin");
    });
  });

  /* Image events do not bubble: listen in the capture phase. */
  document.addEventListener("load", function (event) {
    var img = event.target;
    if (img.tagName === "IMG" && img.closest('[data-layer="diff"]')) fitDiff(img);
  }, true);
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (img.tagName !== "IMG") return;
    var note = document.createElement("div");
    note.className = "missing";
    note.textContent = "Image not found: " + img.getAttribute("src");
    img.replaceWith(note);
  }, true);

  document.querySelectorAll('[data-layer="diff"] img').forEach(function (img) {
    if (img.complete) fitDiff(img);
  });
  document.querySelectorAll('input[type="range"][data-role]').forEach(applySlider);
  document.querySelectorAll('[data-role="show-regions"]').forEach(function (box) {
    box.closest("section.pair").classList.toggle("hide-regions", !box.checked);
  });
  // "Label this" commands name this report's folder when the page is opened from disk.
  if (location.protocol === "file:") {
    var folder = decodeURIComponent(location.pathname).replace(/\/[^\/]*$/, "") || "/";
    var quoted = /^[\w@%+=:,.\/-]+$/.test(folder) ? folder : "'" + folder.replace(/'/g, "'\"'\"'") + "'";
    document.querySelectorAll('[data-role="report-dir"]').forEach(function (el) { el.textContent = quoted; });
  }
  window.addEventListener("hashchange", revealTarget);
  applyFilter(config.defaultFilter);
  revealTarget();
})();
