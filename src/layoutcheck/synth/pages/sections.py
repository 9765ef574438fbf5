"""Page sections: navigation, hero, features, logos, testimonials, call to action, pricing, FAQ,
newsletter, footer and overlays (cookie banner, modal)."""

from __future__ import annotations

from layoutcheck.synth.pages import components as c
from layoutcheck.synth.pages import svg
from layoutcheck.synth.pages.context import PageContext
from layoutcheck.synth.pages.text import esc

NAV_CSS = """
.topbar{background:var(--accent);color:var(--on-accent);font-size:.85em;text-align:center;padding:6px var(--s4)}
.topbar a{color:inherit;text-decoration:underline}
.nav{background:var(--surface);border-bottom:1px solid var(--border);z-index:20}
.nav.sticky{position:relative;box-shadow:0 2px 10px rgba(0,0,0,.08)}
.nav.accent{background:var(--accent);border-color:transparent}
.nav.accent,.nav.accent a:not(.btn),.nav.accent .burger{color:var(--on-accent)}
.nav.accent .btn:not(.ghost){background:var(--on-accent);color:var(--accent);border-color:var(--on-accent)}
.nav.dark{background:#11141a;border-color:#222}.nav.dark,.nav.dark a:not(.btn),.nav.dark .burger{color:#f3f4f6}
.nav.blur{background:color-mix(in srgb,var(--bg) 82%,transparent)}
.nav-in{display:flex;align-items:center;gap:var(--s4);min-height:var(--nav-h,64px)}
.brand{display:inline-flex;align-items:center;gap:var(--s2);font-weight:800;font-size:1.15em;color:var(--text);
font-family:var(--font-head);white-space:nowrap;text-decoration:none;flex-shrink:0}
.brand span{overflow:hidden;text-overflow:ellipsis}
.nav-links{display:flex;flex-wrap:wrap;gap:var(--s1) var(--s3);align-items:center;min-width:0}
.nav-links a{color:var(--text);opacity:.85;font-weight:500;text-decoration:none}.nav-links a.on{opacity:1;color:var(--accent);font-weight:700}
.nav.center .nav-links{margin-inline:auto}.nav.end .nav-links{margin-inline-start:auto}
.nav-actions{display:flex;align-items:center;gap:var(--s2);margin-inline-start:auto;flex-shrink:0}
.nav.center .nav-actions,.nav.end .nav-actions{margin-inline-start:0}
.icon-btn{position:relative;display:inline-flex;align-items:center;justify-content:center;width:38px;height:38px;
border-radius:var(--rs);color:inherit;background:transparent;border:0}
.icon-btn .dot{position:absolute;top:2px;inset-inline-end:0;min-width:17px;height:17px;border-radius:9px;background:var(--bad);
color:#fff;font-size:10px;font-weight:700;display:flex;align-items:center;justify-content:center;padding:0 4px}
.burger{display:none;background:none;border:0;color:var(--text);padding:6px}
@media (max-width:480px){.nav-in{gap:var(--s2)}.nav-actions{gap:2px}.nav-in>.brand{flex-shrink:1;min-width:0}}
"""

HERO_CSS = """
.hero{position:relative;overflow:hidden}
.hero h1{margin-bottom:var(--s4);font-size:calc(var(--h1) * 1.15)}
.hero .lead{margin-bottom:var(--s5);max-width:38em}
.hero-split{display:grid;grid-template-columns:minmax(0,1.05fr) minmax(0,1fr);gap:var(--s6);align-items:center}
.hero-center{text-align:center}.hero-center .lead{margin-inline:auto}.hero-center .btn-row,.hero-center .checks{justify-content:center}
.hero-center .media{margin-top:var(--s6);box-shadow:var(--shadow)}
.hero-tint{background:linear-gradient(160deg,var(--accent-soft),var(--bg) 70%)}
.hero-cover{min-height:460px;display:flex;align-items:flex-end;color:#fff}
.hero-cover>.bgimg{position:absolute;inset:0;width:100%;height:100%;object-fit:cover}
.hero-cover::before{content:"";position:absolute;inset:0;background:linear-gradient(0deg,rgba(0,0,0,.72),rgba(0,0,0,.05));z-index:1}
.hero-cover .container{position:relative;z-index:2;width:100%;padding-bottom:var(--s6)}
.hero-cover .lead{color:rgba(255,255,255,.85)}
.checks{display:flex;flex-wrap:wrap;gap:var(--s2) var(--s4);font-size:.9em;color:var(--muted);margin-top:var(--s4)}
.checks span{display:inline-flex;gap:6px;align-items:center}.checks svg{color:var(--ok)}
.float-card{position:absolute;bottom:8%;inset-inline-start:-4%;background:var(--surface);color:var(--text);border-radius:var(--r);
padding:var(--s3);box-shadow:0 8px 24px rgba(0,0,0,.18);display:flex;gap:var(--s2);align-items:center;font-size:.85em;
max-width:60%}
.hero-art{position:relative}
@media (max-width:900px){.hero-split{grid-template-columns:minmax(0,1fr)}.float-card{inset-inline-start:4%}}
"""

MARKETING_CSS = """
.logos{display:flex;flex-wrap:wrap;gap:var(--s4) var(--s6);align-items:center;justify-content:center;opacity:.75}
.logos span{display:inline-flex;align-items:center;gap:8px;font-weight:700;font-size:1.1em;color:var(--muted)}
.feature .ic{display:inline-flex;width:44px;height:44px;border-radius:var(--r);align-items:center;justify-content:center;
background:var(--accent-soft);color:var(--accent);margin-bottom:var(--s3)}
.feature p{color:var(--muted);margin:0}
.alt-row{display:flex;gap:var(--s6);align-items:center}.alt-row+.alt-row{margin-top:var(--s6)}
.alt-row>*{flex:1 1 0;min-width:0}.alt-row.rev{flex-direction:row-reverse}
.bullets{list-style:none;padding:0;margin:var(--s3) 0 0}.bullets li{display:flex;gap:8px;margin:6px 0}
.bullets svg{color:var(--accent);margin-top:3px}
.quote{margin:0}.quote blockquote{margin:0 0 var(--s3);font-size:1.02em}
.quote figcaption{display:flex;gap:var(--s2);align-items:center;font-size:.9em}
.quote figcaption small{display:block}
.cta{background:var(--accent);color:var(--on-accent);border-radius:var(--r);padding:var(--s6);display:flex;gap:var(--s5);
align-items:center;justify-content:space-between;flex-wrap:wrap}
.cta h2{margin:0 0 var(--s2)}.cta p{margin:0;opacity:.9}
.cta .btn{background:var(--on-accent);color:var(--accent);border-color:var(--on-accent)}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,160px),1fr));gap:var(--s4);text-align:center}
.stats b{display:block;font-size:calc(var(--h2) * 1.1);font-family:var(--font-head);color:var(--accent)}
.plans{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,230px),1fr));gap:var(--s4);align-items:stretch}
.plans.n4{grid-template-columns:repeat(4,minmax(0,1fr));gap:var(--s3)}
@media (max-width:1100px){.plans.n4{grid-template-columns:repeat(2,minmax(0,1fr))}}
@media (max-width:600px){.plans.n4{grid-template-columns:minmax(0,1fr)}}
.plan{position:relative;display:flex;flex-direction:column;padding:var(--s5)}
.plans.n4 .plan{padding:var(--s4)}
.plan.featured{border:2px solid var(--accent)}
.plan .badge.top{position:absolute;top:-.9em;inset-inline-start:50%;transform:translateX(-50%)}
[dir=rtl] .plan .badge.top{transform:translateX(50%)}
.plan .amount{font-size:calc(var(--h2) * 1.15);font-weight:800;font-family:var(--font-head)}
.plan ul{list-style:none;padding:0;margin:var(--s4) 0;flex:1}.plan li{display:flex;gap:8px;margin:8px 0;font-size:.93em}
.plan li svg{color:var(--ok);margin-top:3px}
.faq details{border-bottom:1px solid var(--border);padding:var(--s3) 0}
.faq summary{font-weight:600;cursor:pointer}
.faq details p{margin:var(--s2) 0 0;color:var(--muted)}
.newsletter{display:flex;gap:var(--s5);align-items:center;justify-content:space-between;flex-wrap:wrap;padding:var(--s5)}
.newsletter>div{flex:1 1 280px;min-width:0}.newsletter form{flex:1 1 300px}
@media (max-width:900px){.alt-row,.alt-row.rev{flex-direction:column;align-items:stretch}}
"""

FOOTER_CSS = """
.footer{border-top:1px solid var(--border);background:var(--surface);margin-top:var(--s6);font-size:.92em}
.footer.dark{background:#0f1217;color:#cfd3da;border:0}.footer.dark a{color:#aeb4bf}
.footer.tint{background:var(--surface-2);border:0}
.footer-cols{display:grid;grid-template-columns:minmax(0,1.6fr) repeat(var(--cols,3),minmax(0,1fr));gap:var(--s5);
padding:var(--s6) 0}
.footer h4{font-size:.95em;margin-bottom:var(--s2)}
.footer ul{list-style:none;margin:0;padding:0}.footer li{margin:6px 0}.footer li a{color:var(--muted)}
.footer-bottom{display:flex;flex-wrap:wrap;gap:var(--s3);justify-content:space-between;align-items:center;padding:var(--s4) 0;
border-top:1px solid var(--border);color:var(--muted)}
.footer.dark .footer-bottom{border-color:#262b33}
.social{display:flex;gap:var(--s2)}
@media (max-width:900px){.footer-cols{grid-template-columns:repeat(2,minmax(0,1fr))}.footer-cols>:first-child{grid-column:1/-1}}
"""

OVERLAY_CSS = """
body{position:relative}
.cookie{position:absolute;bottom:16px;inset-inline:16px;margin-inline:auto;max-width:720px;z-index:50;display:flex;gap:var(--s3);
align-items:center;flex-wrap:wrap;padding:var(--s3) var(--s4);background:var(--surface);color:var(--text);
border:1px solid var(--border);border-radius:var(--r);box-shadow:0 10px 30px rgba(0,0,0,.2)}
.cookie p{margin:0;flex:1 1 240px}
.backdrop{position:absolute;inset:0;background:rgba(10,12,16,.55);z-index:60;display:flex;align-items:flex-start;
justify-content:center;padding:clamp(24px,12vh,140px) var(--s4) var(--s4)}
.modal{background:var(--surface);border-radius:var(--r);max-width:460px;width:100%;padding:var(--s5);box-shadow:0 20px 50px rgba(0,0,0,.3);
position:relative}
.modal .close{position:absolute;top:var(--s3);inset-inline-end:var(--s3);color:var(--muted)}
"""


def navbar(ctx: PageContext, brand: str, links: list[str], active: int = -1, actions: list[str] | None = None,
           cart: bool = False, sticky: bool | None = None) -> str:
    """The top navigation bar; links fold into a hamburger below the page's breakpoint.

    A "sticky" bar is drawn as it looks at the top of the page and marked ``data-lc-sticky``, but it
    is not ``position: sticky``: Chromium rasterises sticky and fixed (composited) layers slightly
    differently from one full-page capture to the next (a few pixels of the layer, in ~1 in 10
    renders of affected pages), and generated pages must render pixel-identically.
    """
    t, th = ctx.t, ctx.theme
    ctx.need("nav", NAV_CSS)
    align = ctx.pick("nav-align", ("", "center", "end"))
    sticky = ctx.rng.random() < 0.4 if sticky is None else sticky
    bp = 1023 if len(links) > 4 or t.lang in ("de", "ru", "el", "pl", "fr") else ctx.rng.choice((767, 900, 1023))
    ctx.need("nav-bp", f"@media (max-width:{bp}px){{.nav-links,.nav-actions .hide-sm{{display:none}}"
                       f".burger{{display:inline-flex}}.nav-actions{{margin-inline-start:auto}}}}")
    ctx.need("nav-h", f":root{{--nav-h:{ctx.rng.choice((56, 60, 64, 72))}px}}")
    cls = " ".join(x for x in ("nav", th.nav_style, align, "sticky" if sticky else "") if x)
    mark = svg.logo_mark(ctx.rng, th.accent if th.nav_style != "accent" else th.on_accent, th.accent2)
    link_html = "".join(f'<a href="#"{" class=on" if i == active else ""}>{esc(x)}</a>' for i, x in enumerate(links))
    acts = []
    for a in actions or []:
        if a == "search":
            acts.append(f'<a class="icon-btn hide-sm" href="#" aria-label="search">{svg.icon("search")}</a>')
        elif a == "bell":
            acts.append(f'<a class="icon-btn" href="#" aria-label="notifications">{svg.icon("bell")}'
                        f'<span class="dot">{t.digits(str(ctx.rng.randint(1, 9)))}</span></a>')
        elif a == "signin":
            acts.append(f'<span class="hide-sm">{c.button(ctx, t.ui("sign_in"), "ghost")}</span>')
        elif a == "cta":
            acts.append(f'<span class="hide-sm">{c.button(ctx, t.ui(ctx.rng.choice(("get_started", "try_free", "sign_up"))), "", "sm")}</span>')
        elif a == "avatar":
            acts.append(c.avatar(ctx, t.name(), 34))
    if cart:
        acts.append(f'<a class="icon-btn" href="#" aria-label="cart">{svg.icon("cart")}'
                    f'<span class="dot">{t.digits(str(ctx.rng.randint(1, 12)))}</span></a>')
    top = ""
    if ctx.rng.random() < 0.15:
        top = (f'<div class="topbar"{ctx.root("banner")}>{esc(t.sentence(4, 8))} '
               f'<a href="#">{esc(t.ui("learn_more"))}</a></div>')
    hint = " data-lc-sticky" if sticky else ""
    return (f'{top}<header class="{cls}"{ctx.root("nav", container=True)}{hint}><div class="container nav-in" data-lc-container>'
            f'<a class="brand" href="#"{ctx.root("logo")}>{mark}<span>{esc(brand)}</span></a>'
            f'<nav class="nav-links" data-lc-container>{link_html}</nav>'
            f'<div class="nav-actions" data-lc-container>{"".join(acts)}</div>'
            f'<button class="burger" type="button" aria-label="menu">{svg.icon("menu", 24)}</button></div></header>')


def hero(ctx: PageContext, variant: str | None = None, title: str | None = None) -> str:
    t = ctx.t
    ctx.need("hero", HERO_CSS)
    variant = variant or ctx.pick("hero", ("split", "center", "cover", "split-tint"), (0.4, 0.25, 0.2, 0.15))
    eyebrow = f'<span class="eyebrow">{esc(t.label())}</span>' if ctx.rng.random() < 0.6 else ""
    h1 = f'<h1 data-lc="text">{esc(title or t.title(3, 8))}</h1>'
    lead = f'<p class="lead" data-lc="text">{esc(t.sentence(12, 26))}</p>'
    btns = (f'<div class="btn-row" data-lc-container>{c.button(ctx, t.ui("get_started"), "", "lg", None, "arrow-right")}'
            f'{c.button(ctx, t.ui("learn_more"), "secondary", "lg")}</div>')
    checks = ""
    if ctx.rng.random() < 0.5:
        checks = '<div class="checks">' + "".join(
            f'<span>{svg.icon("check", 16)}{esc(t.words(ctx.rng.randint(2, 4)))}</span>' for _ in range(ctx.rng.randint(2, 3))
        ) + "</div>"
    text = f"<div>{eyebrow}{h1}{lead}{btns}{checks}</div>"
    if variant == "cover":
        bg = f'<img class="bgimg" src="{svg.photo_uri(ctx.rng, ctx.theme, 48, 24)}" alt="" data-lc="image">'
        return (f'<section class="hero hero-cover"{ctx.root("hero")}>{bg}<div class="container">'
                f'{text}</div></section>')
    if variant == "center":
        art = c.image(ctx, 1200, ctx.rng.choice((420, 480, 520)), ctx.rng.choice(("inline", "svg-img"))) \
            if ctx.rng.random() < 0.6 else ""
        art = f'<div style="max-width:{ctx.rng.choice((880, 1000, 1200))}px;margin-inline:auto">{art}</div>' if art else ""
        tint = " hero-tint" if ctx.rng.random() < 0.5 else ""
        return (f'<section class="hero section hero-center{tint}"{ctx.root("hero")}><div class="container">'
                f'<div style="max-width:820px;margin:0 auto">{text}</div>{art}</div></section>')
    w, h = ctx.rng.choice(((600, 460), (640, 480), (560, 560), (600, 400)))
    art = c.image(ctx, w, h)
    if ctx.rng.random() < 0.45:
        art += (f'<div class="float-card"{ctx.root("card")}>{svg.icon("trending", 22)}<div><b>{esc(t.percent(ctx.rng.uniform(5, 60)))}'
                f'</b><br><small>{esc(t.ui("this_month"))}</small></div></div>')
    tint = " hero-tint" if variant == "split-tint" else ""
    return (f'<section class="hero section{tint}"{ctx.root("hero")}><div class="container hero-split" data-lc-container>'
            f'{text}<div class="hero-art">{art}</div></div></section>')


def section_head(ctx: PageContext, title: str | None = None, center: bool | None = None, lead: bool = True) -> str:
    t = ctx.t
    center = ctx.rng.random() < 0.5 if center is None else center
    eyebrow = f'<span class="eyebrow">{esc(t.label())}</span>' if ctx.rng.random() < 0.4 else ""
    p = f'<p class="lead" data-lc="text">{esc(t.sentence(8, 20))}</p>' if lead else ""
    return (f'<div class="section-head{" center" if center else ""}">{eyebrow}<h2 data-lc="text">{esc(title or t.title(2, 6))}'
            f"</h2>{p}</div>")


def logo_strip(ctx: PageContext) -> str:
    ctx.need("marketing", MARKETING_CSS)
    items = "".join(f"<span>{svg.logo_mark(ctx.rng, ctx.theme.muted, ctx.theme.border, 22)}{esc(ctx.t.brand().split(' ')[0])}</span>"
                    for _ in range(ctx.rng.randint(4, 6)))
    return (f'<section class="section" style="padding-block:var(--s5)"{ctx.root("logos")}><div class="container">'
            f'<p class="muted" style="text-align:center">{esc(ctx.t.ui("trusted_by"))}</p>'
            f'<div class="logos" data-lc-container>{items}</div></div></section>')


def features(ctx: PageContext, n: int | None = None) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    variant = ctx.pick("features", ("grid", "cards", "alternating"), (0.45, 0.3, 0.25))
    head = section_head(ctx, t.ui("features") if ctx.rng.random() < 0.3 else None)
    if variant == "alternating":
        rows = []
        for i in range(ctx.rng.randint(2, 3)):
            bullets = "".join(f"<li>{svg.icon('check', 16)}<span>{esc(t.sentence(3, 7))}</span></li>" for _ in range(3))
            rows.append(f'<div class="alt-row{" rev" if i % 2 else ""}" data-lc-container>'
                        f'{c.image(ctx, 560, 380)}<div><h3 data-lc="text">{esc(t.title(2, 5))}</h3>'
                        f'<p data-lc="text">{esc(t.paragraph(1, 2))}</p><ul class="bullets">{bullets}</ul></div></div>')
        body = "".join(rows)
    else:
        n = n or ctx.rng.choice((3, 4, 6))
        cols = {3: "g3", 4: "g4", 6: "g3"}[n]
        card = variant == "cards"
        items = []
        for _ in range(n):
            ic = svg.icon(ctx.rng.choice(svg.FEATURE_ICONS), 22)
            inner = (f'<span class="ic">{ic}</span><h3 style="font-size:1.1em" data-lc="text">{esc(t.title(2, 4))}</h3>'
                     f'<p data-lc="text">{esc(t.sentence(10, 22))}</p>')
            if card:
                items.append(f'<div class="card feature"{ctx.root("card")}><div class="card-body">{inner}</div></div>')
            else:
                items.append(f'<div class="feature"{ctx.root("feature")}>{inner}</div>')
        body = f'<div class="grid {cols}" data-lc-container>{"".join(items)}</div>'
    return f'<section class="section"{ctx.root("features")}><div class="container">{head}{body}</div></section>'


def testimonials(ctx: PageContext) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    n = ctx.rng.choice((1, 2, 3))
    items = []
    for _ in range(n):
        name = t.name()
        items.append(f'<figure class="card quote"{ctx.root("testimonial")}><div class="card-body">'
                     f'{c.stars(ctx, ctx.rng.choice((4, 4.5, 5)))}<blockquote data-lc="text">“{esc(t.sentence(14, 30))}”</blockquote>'
                     f'<figcaption>{c.avatar(ctx, name, 40)}<span><b>{esc(name)}</b><small>{esc(t.label())}, '
                     f'{esc(t.brand())}</small></span></figcaption></div></figure>')
    cols = {1: "", 2: "g2", 3: "g3"}[n]
    style = ' style="max-width:760px;margin-inline:auto"' if n == 1 else ""
    return (f'<section class="section"{ctx.root("testimonials")}><div class="container">'
            f'{section_head(ctx, t.ui("testimonials"), True, False)}'
            f'<div class="grid {cols}"{style} data-lc-container>{"".join(items)}</div></div></section>')


def cta_band(ctx: PageContext) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    return (f'<section class="section"><div class="container"><div class="cta"{ctx.root("cta", container=True)}>'
            f'<div><h2 data-lc="text">{esc(t.title(3, 7))}</h2><p data-lc="text">{esc(t.sentence(8, 16))}</p></div>'
            f'<div class="btn-row">{c.button(ctx, t.ui("try_free"), "", "lg")}</div></div></div></section>')


def stats_band(ctx: PageContext) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    items = []
    for _ in range(ctx.rng.choice((3, 4))):
        v = ctx.rng.choice((t.number(ctx.rng.randint(10, 990)) + "k+", t.percent(ctx.rng.uniform(90, 99.99), 2).lstrip("+"),
                            t.number(ctx.rng.randint(1000, 99000)), t.digits(f"{ctx.rng.randint(2, 60)}×")))
        items.append(f'<div{ctx.root("stat")}><b>{esc(v)}</b><span class="muted">{esc(t.words(ctx.rng.randint(1, 3)))}</span></div>')
    return (f'<section class="section" style="padding-block:var(--s6)"><div class="container">'
            f'<div class="stats" data-lc-container>{"".join(items)}</div></div></section>')


def pricing_plans(ctx: PageContext, yearly: bool) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    names = ["free", "starter", "pro", "business", "enterprise"]
    n = ctx.rng.choice((3, 3, 4)) if ctx.theme.container >= 1120 else 3
    start = ctx.rng.randint(0, 5 - n)
    featured = ctx.rng.randint(1, n - 1)
    base = ctx.rng.choice((9, 12, 15, 19, 29))
    cards = []
    for i in range(n):
        key = names[start + i]
        value = 0 if key == "free" else base * (2.4 ** i) * (0.8 if yearly else 1)
        price = t.ui("free") if value == 0 else t.price(round(value) - (0.01 if ctx.rng.random() < 0.3 else 0))
        feats = "".join(f"<li>{svg.icon('check', 16)}<span>{esc(t.sentence(3, 7).rstrip('.!?;؟'))}</span></li>"
                        for _ in range(ctx.rng.randint(4, 6)))
        top = c.badge(ctx, t.ui("popular"), "", "solid top") if i == featured else ""
        variant = "" if i == featured else "secondary"
        cards.append(f'<div class="card plan{" featured" if i == featured else ""}"{ctx.root("pricing-card")}>{top}'
                     f'<h3 data-lc="text">{esc(t.ui(key))}</h3><p class="muted" data-lc="text">{esc(t.sentence(5, 10))}</p>'
                     f'<div><span class="amount">{esc(price)}</span> <span class="muted">{esc(t.ui("per_month")) if value else ""}</span></div>'
                     f'<ul>{feats}</ul>{c.button(ctx, t.ui("get_started") if value else t.ui("sign_up"), variant)}</div>')
    return f'<div class="plans n{n}" data-lc-container{ctx.root("pricing")}>{"".join(cards)}</div>'


def faq(ctx: PageContext, n: int | None = None) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    n = n or ctx.rng.randint(4, 6)
    open_i = ctx.rng.randrange(n) if ctx.rng.random() < 0.7 else -1
    items = "".join(
        f'<details{" open" if i == open_i else ""}><summary>{esc(t.sentence(4, 10)[:-1])}{"?" if t.lang != "el" else ";"}'
        f'</summary><p>{esc(t.paragraph(1, 3))}</p></details>' for i in range(n))
    return f'<div class="faq"{ctx.root("faq")}>{items}</div>'


def newsletter(ctx: PageContext) -> str:
    t = ctx.t
    ctx.need("marketing", MARKETING_CSS)
    ctx.need("form", c.FORM_CSS)
    return (f'<div class="card newsletter"{ctx.root("newsletter", container=True)}><div><h3 data-lc="text">{esc(t.ui("newsletter"))}</h3>'
            f'<p class="muted" style="margin:0" data-lc="text">{esc(t.sentence(8, 16))}</p></div>'
            f'<form class="input-group"><input class="input" type="email" placeholder="{esc(t.email())}">'
            f'{c.button(ctx, t.ui("subscribe"))}</form></div>')


def footer(ctx: PageContext, brand: str) -> str:
    t = ctx.t
    ctx.need("footer", FOOTER_CSS)
    variant = ctx.pick("footer", ("columns", "columns-dark", "columns-tint", "simple"), (0.4, 0.2, 0.15, 0.25))
    cls = {"columns-dark": "footer dark", "columns-tint": "footer tint"}.get(variant, "footer")
    year = t.digits(str(ctx.rng.randint(2019, 2025)))
    social = '<div class="social">' + "".join(
        f'<a href="#" aria-label="{n}">{svg.icon(n, 18)}</a>' for n in ctx.rng.sample(("globe", "mail", "message", "share", "heart"), 3)
    ) + "</div>"
    links = [t.ui(k) for k in ("privacy", "terms", "imprint" if t.lang == "de" else "contact")]
    bottom = (f'<div class="footer-bottom" data-lc-container><span>© {year} {esc(brand)}. {esc(t.ui("rights"))}</span>'
              f'<span class="row wrap">{"".join(f"<a href=# class=muted>{esc(x)}</a>" for x in links)}</span>{social}</div>')
    if variant == "simple":
        return f'<footer class="{cls}"{ctx.root("footer")}><div class="container">{bottom}</div></footer>'
    ncols = ctx.rng.choice((2, 3, 4))
    groups = [("products", "features", "pricing", "docs"), ("company", "about", "careers", "blog"),
              ("resources", "support", "contact", "customers"), ("account", "sign_in", "sign_up", "settings")]
    cols = []
    for g in groups[:ncols]:
        lis = "".join(f'<li><a href="#">{esc(t.ui(k))}</a></li>' for k in g[1:])
        extra = "".join(f'<li><a href="#">{esc(t.label())}</a></li>' for _ in range(ctx.rng.randint(0, 2)))
        cols.append(f"<div><h4>{esc(t.ui(g[0]))}</h4><ul>{lis}{extra}</ul></div>")
    about = (f'<div><a class="brand" href="#">{svg.logo_mark(ctx.rng, ctx.theme.accent, ctx.theme.accent2)}<span>{esc(brand)}</span></a>'
             f'<p class="muted" style="margin-top:var(--s3);max-width:32ch">{esc(t.sentence(8, 18))}</p></div>')
    return (f'<footer class="{cls}"{ctx.root("footer")}><div class="container">'
            f'<div class="footer-cols" style="--cols:{ncols}" data-lc-container>{about}{"".join(cols)}</div>{bottom}</div></footer>')


def overlays(ctx: PageContext) -> str:
    """Sometimes a cookie banner over the bottom of the page, or an open modal dialog over all of it.

    Both are ``position: absolute`` on the body, not ``fixed``, so a full-page capture places them
    the same way at any viewport height (and renders them the same way every time).
    """
    t = ctx.t
    roll = ctx.rng.random()
    if roll < 0.14:
        ctx.need("overlay", OVERLAY_CSS)
        ctx.variants["overlay"] = "cookie"
        return (f'<div class="cookie" role="dialog"{ctx.root("cookie-banner")}><p>{esc(t.ui("cookie_text"))} '
                f'<a href="#">{esc(t.ui("privacy"))}</a></p>{c.button(ctx, t.ui("accept"), "", "sm")}'
                f'{c.button(ctx, t.ui("settings"), "secondary", "sm")}</div>')
    if roll < 0.2:
        ctx.need("overlay", OVERLAY_CSS)
        ctx.variants["overlay"] = "modal"
        return (f'<div class="backdrop"><div class="modal" role="dialog"{ctx.root("modal")}>'
                f'<a class="close" href="#" aria-label="{esc(t.ui("close"))}">{svg.icon("x")}</a>'
                f'<h3 data-lc="text">{esc(t.ui("newsletter"))}</h3><p class="muted">{esc(t.sentence(10, 20))}</p>'
                f'{c.field(ctx, t.ui("email"), "email", t.email())}<div class="btn-row" style="margin-top:var(--s4)">'
                f'{c.button(ctx, t.ui("subscribe"))}{c.button(ctx, t.ui("cancel"), "ghost")}</div></div></div>')
    return ""
