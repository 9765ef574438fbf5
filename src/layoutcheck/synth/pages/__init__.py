"""Procedural web pages for training data: realistic, varied, deterministic, self-contained.

``generate_page(seed)`` draws a template, a language, a theme (light or dark, accent colours, fonts,
type scale, spacing, radii, shadows) and composes components into one HTML document with an inline
stylesheet, inline SVG and ``data:`` images. There is no script, no animation, no network reference
and no ``position: fixed`` or ``sticky``, so a page renders pixel-identically every time; media
queries make it render sensibly at 375, 768 and 1280 px.

Structure hints for the defect injector:

* ``data-lc="<component>"`` on each component root. Kinds used: nav, logo, banner, hero, features,
  feature, logos, testimonials, testimonial, cta, stat, pricing, pricing-card, faq, newsletter,
  footer, cookie-banner, modal, sidebar, toolbar, card, chart, table, list, form, fieldset, input,
  select, checkbox, toggle, search, button, badge, tags, avatar, image, icon, rating, price,
  breadcrumbs, tabs, pagination, alert, progress, article, figure, quote, code, toc, gallery,
  product-info, review, profile-header, text.
* ``data-lc-container`` on elements that lay out their children (grid and flex rows).
* ``data-lc-sticky`` on a header that stands for a sticky one (drawn in place: composited
  sticky/fixed layers do not rasterise identically from one capture to the next).
* a stable ``id`` (``<kind>-<n>``) on about a third of the component roots.

Same seed (and template) gives byte-identical HTML: all randomness comes from one
``random.Random(seed)``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from layoutcheck.synth.pages import app_templates, corpus, site_templates
from layoutcheck.synth.pages.context import PageContext
from layoutcheck.synth.pages.text import Text, esc
from layoutcheck.synth.pages.themes import make_theme, theme_css

__all__ = ["TEMPLATES", "GeneratedPage", "generate_page", "template_for"]

_BUILDERS: dict[str, Callable[[PageContext, str], str]] = {
    "landing": site_templates.landing,
    "pricing": site_templates.pricing,
    "dashboard": app_templates.dashboard,
    "article": site_templates.article,
    "shop-grid": app_templates.shop_grid,
    "product": app_templates.product,
    "form": app_templates.form,
    "docs": site_templates.docs,
    "blog-index": site_templates.blog_index,
    "settings": app_templates.settings,
    "table-report": app_templates.table_report,
    "profile": site_templates.profile,
}

#: Names of the page templates, in a fixed order.
TEMPLATES: tuple[str, ...] = tuple(_BUILDERS)

# A salt so the template choice is not correlated with the first draws of the page itself.
_TEMPLATE_SALT = 0x5EED_7E3A


@dataclass(frozen=True)
class GeneratedPage:
    """One generated page.

    Attributes:
        html: a self-contained HTML document (inline CSS, inline SVG, ``data:`` images; no script).
        template: the template it was built from (one of :data:`TEMPLATES`).
        seed: the seed it was built from.
        lang: BCP-47 code of the main text language.
        params: JSON-serialisable description: theme, fonts, spacing, variants, components used.
    """

    html: str
    template: str
    seed: int
    lang: str
    params: dict[str, object] = field(default_factory=dict)


def template_for(seed: int) -> str:
    """The template that :func:`generate_page` uses for ``seed`` when none is given (uniform)."""
    return random.Random(seed ^ _TEMPLATE_SALT).choice(TEMPLATES)


def generate_page(seed: int, template: str | None = None) -> GeneratedPage:
    """Build the page of ``seed``; the template is drawn from the seed unless given.

    Raises:
        ValueError: ``template`` is not one of :data:`TEMPLATES`.
    """
    name = template_for(seed) if template is None else template
    if name not in _BUILDERS:
        raise ValueError(f"unknown page template {name!r}; expected one of: {', '.join(TEMPLATES)}")
    rng = random.Random(f"layoutcheck-page:{seed}:{name}")
    langs, weights = zip(*corpus.LANG_WEIGHTS, strict=True)
    lang = rng.choices(langs, weights)[0]
    eastern = lang == "ar" and rng.random() < 0.3
    text = Text(rng, lang, eastern)
    theme = make_theme(rng, lang)
    ctx = PageContext(rng, theme, text, name)
    brand = text.brand()
    body = _BUILDERS[name](ctx, brand)
    css = theme_css(theme) + "\n".join(ctx.css.values())
    title = f"{esc(brand)} — {esc(text.title(1, 4))}"
    html = (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{"rtl" if text.rtl else "ltr"}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            f"<style>{css}</style>\n</head>\n<body class=\"page-{name}\">\n{body}\n</body>\n</html>\n")
    params: dict[str, object] = {
        "seed": seed,
        "template": name,
        "lang": lang,
        "dir": "rtl" if text.rtl else "ltr",
        "eastern_digits": text.eastern_digits,
        "long_word_rate": text.long_rate,
        "brand": brand,
        "theme": theme.params(),
        "variants": dict(sorted(ctx.variants.items())),
        "components": dict(sorted(ctx.counts.items())),
        "id_rate": round(ctx.id_rate, 3),
    }
    return GeneratedPage(html=html, template=name, seed=seed, lang=lang, params=params)
