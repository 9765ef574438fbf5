"""The state one page is built with: random generator, theme, text, ids and the stylesheet parts."""

from __future__ import annotations

import random

from layoutcheck.synth.pages.text import Text
from layoutcheck.synth.pages.themes import Theme


class PageContext:
    """Shared by every component builder of one page.

    Args:
        rng: the page's only source of randomness.
        theme: colours, fonts and shapes.
        text: text in the page language.
        template: the template being built.
    """

    def __init__(self, rng: random.Random, theme: Theme, text: Text, template: str) -> None:
        self.rng = rng
        self.theme = theme
        self.t = text
        self.template = template
        self.id_rate = rng.uniform(0.2, 0.4)
        self.counts: dict[str, int] = {}
        self.css: dict[str, str] = {}
        self.variants: dict[str, str] = {}
        self._uid = 0

    def root(self, lc: str, container: bool = False, id_hint: str | None = None) -> str:
        """Attributes of a component root: ``data-lc``, maybe ``data-lc-container``, sometimes an ``id``.

        Ids are numbered per component kind in document order, so they are stable for a seed.
        """
        n = self.counts.get(lc, 0) + 1
        self.counts[lc] = n
        out = f' data-lc="{lc}"'
        if container:
            out += " data-lc-container"
        if id_hint is not None or self.rng.random() < self.id_rate:
            out += f' id="{id_hint or lc}-{n}"'
        return out

    @property
    def scale(self) -> float:
        """How much taller than average this theme makes content (type size and spacing)."""
        return (self.theme.base_size / 16) * (0.75 + 0.05 * self.theme.unit)

    def uid(self) -> str:
        """A page-unique prefix for SVG ``<defs>`` ids."""
        self._uid += 1
        return f"u{self._uid}"

    def need(self, key: str, css: str) -> None:
        """Add a component's stylesheet once, in first-use order."""
        if key not in self.css:
            self.css[key] = css

    def pick(self, name: str, options: tuple[str, ...], weights: tuple[float, ...] | None = None) -> str:
        """Choose a variant once per page (later calls return the same) and record it in the params."""
        if name in self.variants:
            return self.variants[name]
        value = self.rng.choices(options, weights)[0] if weights else self.rng.choice(options)
        self.variants[name] = value
        return value
