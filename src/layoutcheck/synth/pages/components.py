"""Small components: buttons, badges, avatars, images, form controls, tabs, pagination, alerts.

Each builder returns an HTML string and registers its CSS with :meth:`PageContext.need`.
"""

from __future__ import annotations

from layoutcheck.synth.pages import svg
from layoutcheck.synth.pages.context import PageContext
from layoutcheck.synth.pages.text import esc

BADGE_CSS = """
.badge{display:inline-flex;align-items:center;gap:4px;padding:.15em .6em;border-radius:999px;font-size:.75em;
font-weight:600;line-height:1.5;white-space:nowrap;background:var(--accent-soft);color:var(--accent)}
.badge.ok{background:color-mix(in srgb,var(--ok) 16%,transparent);color:var(--ok)}
.badge.warn{background:color-mix(in srgb,var(--warn) 18%,transparent);color:var(--warn)}
.badge.bad{background:color-mix(in srgb,var(--bad) 15%,transparent);color:var(--bad)}
.badge.neutral{background:var(--surface-2);color:var(--muted)}
.badge.square{border-radius:var(--rs)}
.badge.solid{background:var(--accent);color:var(--on-accent)}
.tag{display:inline-block;padding:.2em .7em;border:1px solid var(--border);border-radius:var(--rb);font-size:.82em;
color:var(--text);background:var(--surface)}
.tags{display:flex;flex-wrap:wrap;gap:var(--s1)}
"""

AVATAR_CSS = """
.avatar{display:inline-flex;align-items:center;justify-content:center;border-radius:50%;overflow:hidden;
flex-shrink:0;font-weight:700;color:#fff;background:var(--accent-2);line-height:1}
.avatar img{width:100%;height:100%;object-fit:cover}
.avatar.sq{border-radius:var(--rs)}
.avatars{display:flex}.avatars .avatar{border:2px solid var(--surface);margin-inline-start:-8px}
.avatars .avatar:first-child{margin-inline-start:0}
"""

IMAGE_CSS = """
.media{position:relative;overflow:hidden;border-radius:var(--r);background:var(--surface-2)}
.media>svg,.media>img{display:block;width:100%;height:100%;object-fit:cover}
.media .ribbon{position:absolute;top:var(--s2);inset-inline-start:var(--s2)}
"""

FORM_CSS = """
.field{display:flex;flex-direction:column;gap:6px;min-width:0}
.field>span.lbl{font-weight:600;font-size:.9em}
.field .hint{font-size:.82em;color:var(--muted)}
.field .err{font-size:.82em;color:var(--bad)}
.input{width:100%;max-width:100%;font:inherit;color:var(--text);background:var(--surface);border:var(--bw) solid var(--border);
border-radius:var(--rs);padding:.55em .75em;line-height:1.4}
.input.invalid{border-color:var(--bad)}
textarea.input{min-height:6.5em;resize:vertical}
select.input{appearance:auto}
.input-group{display:flex;min-width:0}.input-group .input{border-start-end-radius:0;border-end-end-radius:0;min-width:0}
.input-group .btn{border-start-start-radius:0;border-end-start-radius:0}
.check{display:flex;gap:var(--s2);align-items:flex-start;font-size:.95em}
.check input{accent-color:var(--accent);width:1.05em;height:1.05em;margin:.2em 0 0;flex-shrink:0}
.switch{display:flex;align-items:center;justify-content:space-between;gap:var(--s3)}
.switch .knob{position:relative;width:42px;height:24px;border-radius:12px;background:var(--border);flex-shrink:0}
.switch .knob::after{content:"";position:absolute;top:3px;inset-inline-start:3px;width:18px;height:18px;border-radius:50%;
background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.3)}
.switch .knob.on{background:var(--accent)}.switch .knob.on::after{inset-inline-start:21px}
.form-grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:var(--s3) var(--s4)}
.form-grid .full{grid-column:1/-1}
@media (max-width:767px){.form-grid{grid-template-columns:minmax(0,1fr)}}
"""

NAVBITS_CSS = """
.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px;font-size:.875em;color:var(--muted)}
.crumbs li+li::before{content:"/";margin-inline-end:6px;opacity:.6}
.crumbs a{color:var(--muted)}
.tabs{display:flex;gap:var(--s1);border-bottom:1px solid var(--border);overflow-x:auto;flex-wrap:nowrap}
.tabs a{padding:var(--s2) var(--s3);color:var(--muted);white-space:nowrap;border-bottom:2px solid transparent;margin-bottom:-1px}
.tabs a.on{color:var(--text);border-bottom-color:var(--accent);font-weight:600}
.tabs.pills{border-bottom:0;gap:var(--s2)}
.tabs.pills a{border:0;border-radius:999px;margin:0}
.tabs.pills a.on{background:var(--accent);color:var(--on-accent)}
.tabs.boxed{background:var(--surface-2);border:0;padding:4px;border-radius:calc(var(--rs) + 4px);display:inline-flex;max-width:100%}
.tabs.boxed a{border:0;border-radius:var(--rs);margin:0;padding:var(--s1) var(--s3)}
.tabs.boxed a.on{background:var(--surface);box-shadow:0 1px 2px rgba(0,0,0,.12)}
.pager{display:flex;flex-wrap:wrap;gap:6px;align-items:center;justify-content:center;margin-top:var(--s5)}
.pager a,.pager span{min-width:2.3em;height:2.3em;padding:0 .6em;display:inline-flex;align-items:center;justify-content:center;
border:1px solid var(--border);border-radius:var(--rs);color:var(--text);background:var(--surface)}
.pager a.on{background:var(--accent);color:var(--on-accent);border-color:var(--accent)}
.pager span{border:0;background:none}
.alert{display:flex;gap:var(--s3);padding:var(--s3) var(--s4);border-radius:var(--r);border:1px solid;align-items:flex-start}
.alert p{margin:0}.alert strong{display:block}
.alert.info{background:var(--accent-soft);border-color:color-mix(in srgb,var(--accent) 30%,transparent);color:var(--text)}
.alert.ok{background:color-mix(in srgb,var(--ok) 12%,var(--surface));border-color:color-mix(in srgb,var(--ok) 40%,transparent)}
.alert.warn{background:color-mix(in srgb,var(--warn) 12%,var(--surface));border-color:color-mix(in srgb,var(--warn) 40%,transparent)}
.alert.bad{background:color-mix(in srgb,var(--bad) 10%,var(--surface));border-color:color-mix(in srgb,var(--bad) 40%,transparent)}
.alert>svg{margin-top:2px}.alert.ok>svg{color:var(--ok)}.alert.warn>svg{color:var(--warn)}.alert.bad>svg{color:var(--bad)}
.alert.info>svg{color:var(--accent)}
.stars{display:inline-flex;gap:1px;color:#f5a623;vertical-align:middle}.stars .off{color:var(--border)}
.progress{height:8px;border-radius:4px;background:var(--surface-2);overflow:hidden}
.progress>i{display:block;height:100%;background:var(--accent);border-radius:4px}
"""


def button(ctx: PageContext, label: str, variant: str = "", size: str = "", icon: str | None = None,
           trailing: str | None = None) -> str:
    """A link-button (``<a class="btn">``) or a ``<button>``."""
    cls = " ".join(c for c in ("btn", variant, size) if c)
    lead = svg.icon(icon, 16) if icon else ""
    tail = svg.icon(trailing, 16) if trailing else ""
    tag = "button" if ctx.rng.random() < 0.4 else "a"
    href = ' href="#"' if tag == "a" else ' type="button"'
    return f'<{tag} class="{cls}"{href}{ctx.root("button")}>{lead}{esc(label)}{tail}</{tag}>'


def badge(ctx: PageContext, label: str, tone: str = "", extra: str = "") -> str:
    ctx.need("badge", BADGE_CSS)
    cls = " ".join(c for c in ("badge", tone, extra) if c)
    return f'<span class="{cls}"{ctx.root("badge")}>{esc(label)}</span>'


def tags(ctx: PageContext, n: int) -> str:
    ctx.need("badge", BADGE_CSS)
    items = "".join(f'<a class="tag" href="#">{esc(ctx.t.label())}</a>' for _ in range(n))
    return f'<div class="tags"{ctx.root("tags", container=True)}>{items}</div>'


def avatar(ctx: PageContext, name: str, size: int = 36, square: bool = False) -> str:
    """Initials on a colour, or an illustrated portrait."""
    ctx.need("avatar", AVATAR_CSS)
    cls = "avatar sq" if square else "avatar"
    style = f"width:{size}px;height:{size}px;font-size:{round(size * 0.4)}px"
    if ctx.rng.random() < 0.5:
        inner = f'<img src="{svg.avatar_uri(ctx.rng, ctx.theme)}" alt="{esc(name)}" width="{size}" height="{size}">'
    else:
        colour = ctx.rng.choice(ctx.theme.palette)
        style += f";background:{colour}"
        inner = esc(ctx.t.initials(name))
    return f'<span class="{cls}" style="{style}"{ctx.root("avatar")}>{inner}</span>'


def image(ctx: PageContext, w: int, h: int, how: str | None = None, ribbon: str | None = None,
          cls: str = "", art: str | None = None, ratio: bool = True) -> str:
    """A picture box with a fixed aspect ratio: inline SVG, an SVG ``<img>`` or a blurred photo.

    Args:
        how: ``inline`` (an ``<svg>``), ``svg-img`` (an SVG ``data:`` image) or ``photo`` (a PNG).
        art: the illustration kind of :func:`svg.illustration`, drawn at random when ``None``.
        ratio: keep the ``w``/``h`` aspect ratio; ``False`` when the parent sizes the box.
    """
    ctx.need("image", IMAGE_CSS)
    if how in (None, "mixed"):
        how = ctx.rng.choices(("inline", "svg-img", "photo"), (0.4, 0.25, 0.35))[0]
    if how == "photo":
        inner = f'<img src="{svg.photo_uri(ctx.rng, ctx.theme)}" alt="" width="{w}" height="{h}">'
    elif how == "svg-img":
        doc = svg.illustration(ctx.rng, ctx.theme, w, h, "i", art)
        doc = doc.replace("<svg ", f'<svg width="{w}" height="{h}" ', 1)
        inner = f'<img src="{svg.data_uri(doc)}" alt="" width="{w}" height="{h}">'
    else:
        inner = svg.illustration(ctx.rng, ctx.theme, w, h, ctx.uid(), art)
    extra = f'<span class="ribbon">{badge(ctx, ribbon, "", "solid")}</span>' if ribbon else ""
    classes = f"media {cls}".strip()
    style = f' style="aspect-ratio:{w}/{h}"' if ratio else ""
    return f'<div class="{classes}"{style}{ctx.root("image")}>{inner}{extra}</div>'


def stars(ctx: PageContext, rating: float) -> str:
    ctx.need("navbits", NAVBITS_CSS)
    out = []
    for i in range(5):
        cls = "" if i + 0.5 <= rating else ' class="off"'
        out.append(f"<span{cls}>{svg.icon('star', 14, 1.5, filled=True)}</span>")
    return f'<span class="stars" aria-label="{rating}"{ctx.root("rating")}>{"".join(out)}</span>'


def breadcrumbs(ctx: PageContext, n: int = 3) -> str:
    ctx.need("navbits", NAVBITS_CSS)
    items = [ctx.t.ui("home")] + [ctx.t.label() for _ in range(n - 1)]
    lis = "".join(f'<li><a href="#">{esc(x)}</a></li>' for x in items[:-1])
    lis += f'<li aria-current="page">{esc(items[-1])}</li>'
    return f'<nav class="crumbs" aria-label="breadcrumb"{ctx.root("breadcrumbs")}><ol>{lis}</ol></nav>'


def tabs(ctx: PageContext, labels: list[str], active: int = 0) -> str:
    ctx.need("navbits", NAVBITS_CSS)
    style = ctx.pick("tabs", ("", "pills", "boxed"))
    links = "".join(f'<a href="#"{" class=on" if i == active else ""}>{esc(x)}</a>' for i, x in enumerate(labels))
    return f'<div class="tabs {style}" role="tablist"{ctx.root("tabs", container=True)}>{links}</div>'


def pagination(ctx: PageContext, pages: int | None = None, current: int | None = None) -> str:
    ctx.need("navbits", NAVBITS_CSS)
    pages = pages or ctx.rng.randint(4, 40)
    current = current or ctx.rng.randint(1, min(pages, 4))
    items = [f'<a href="#" aria-label="{esc(ctx.t.ui("previous"))}">{svg.icon("chevron-left", 16)}</a>']
    shown = sorted({1, 2, current, min(pages, current + 1), pages})
    last = 0
    for p in shown:
        if p - last > 1:
            items.append("<span>…</span>")
        items.append(f'<a href="#"{" class=on" if p == current else ""}>{ctx.t.digits(str(p))}</a>')
        last = p
    items.append(f'<a href="#" aria-label="{esc(ctx.t.ui("next"))}">{svg.icon("chevron-right", 16)}</a>')
    return f'<nav class="pager" aria-label="pagination"{ctx.root("pagination", container=True)}>{"".join(items)}</nav>'


def alert(ctx: PageContext, tone: str, title: str | None, body: str) -> str:
    ctx.need("navbits", NAVBITS_CSS)
    ico = {"info": "info", "ok": "check", "warn": "alert", "bad": "alert"}[tone]
    head = f"<strong>{esc(title)}</strong>" if title else ""
    return (f'<div class="alert {tone}" role="status"{ctx.root("alert")}>{svg.icon(ico, 20)}'
            f'<div>{head}<p>{esc(body)}</p></div></div>')


def progress(ctx: PageContext, fraction: float) -> str:
    ctx.need("navbits", NAVBITS_CSS)
    return f'<div class="progress"{ctx.root("progress")}><i style="width:{fraction * 100:.0f}%"></i></div>'


# form controls
def field(ctx: PageContext, label: str, kind: str = "text", placeholder: str = "", hint: str | None = None,
          error: str | None = None, value: str = "", cls: str = "") -> str:
    """A labelled input (text, email, password, number, date, search) or textarea."""
    ctx.need("form", FORM_CSS)
    inv = " invalid" if error else ""
    ph = f' placeholder="{esc(placeholder)}"' if placeholder else ""
    val = f' value="{esc(value)}"' if value else ""
    if kind == "textarea":
        control = f'<textarea class="input{inv}" rows="4"{ph}>{esc(value)}</textarea>'
    else:
        control = f'<input class="input{inv}" type="{kind}"{ph}{val}>'
    extra = f'<span class="err">{esc(error)}</span>' if error else (f'<span class="hint">{esc(hint)}</span>' if hint else "")
    cls_attr = f' class="field {cls}"' if cls else ' class="field"'
    return f'<label{cls_attr}{ctx.root("input")}><span class="lbl">{esc(label)}</span>{control}{extra}</label>'


def select(ctx: PageContext, label: str | None, options: list[str], cls: str = "") -> str:
    ctx.need("form", FORM_CSS)
    opts = "".join(f"<option>{esc(o)}</option>" for o in options)
    control = f'<select class="input">{opts}</select>'
    if label is None:
        return control.replace('<select class="input"', f'<select class="input"{ctx.root("select")}', 1)
    cls_attr = f' class="field {cls}"' if cls else ' class="field"'
    return f'<label{cls_attr}{ctx.root("select")}><span class="lbl">{esc(label)}</span>{control}</label>'


def check(ctx: PageContext, label: str, checked: bool = False, radio: bool = False, name: str = "r") -> str:
    ctx.need("form", FORM_CSS)
    kind = f'radio" name="{name}' if radio else "checkbox"
    on = " checked" if checked else ""
    return f'<label class="check"{ctx.root("checkbox")}><input type="{kind}"{on}><span>{esc(label)}</span></label>'


def switch(ctx: PageContext, label: str, hint: str | None, on: bool) -> str:
    ctx.need("form", FORM_CSS)
    sub = f'<br><small>{esc(hint)}</small>' if hint else ""
    return (f'<div class="switch"{ctx.root("toggle")}><span>{esc(label)}{sub}</span>'
            f'<span class="knob{" on" if on else ""}" role="switch" aria-checked="{str(on).lower()}"></span></div>')


def search_box(ctx: PageContext, placeholder: str, with_button: bool = True) -> str:
    ctx.need("form", FORM_CSS)
    btn = button(ctx, ctx.t.ui("search"), "", "", None) if with_button else ""
    return (f'<form class="input-group" role="search"{ctx.root("search", container=True)}>'
            f'<input class="input" type="search" placeholder="{esc(placeholder)}">{btn}</form>')
