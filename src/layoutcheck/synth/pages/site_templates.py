"""Templates of public sites: landing, pricing, article, blog index, docs, profile.

Each template returns the ``<body>`` content; the page's stylesheet is collected on the context.
"""

from __future__ import annotations

from collections.abc import Callable

from layoutcheck.synth.pages import blocks as b
from layoutcheck.synth.pages import components as c
from layoutcheck.synth.pages import sections as s
from layoutcheck.synth.pages import svg
from layoutcheck.synth.pages.context import PageContext
from layoutcheck.synth.pages.text import esc

_SITE_LINKS = ("products", "features", "pricing", "customers", "blog", "docs", "about", "contact", "resources", "careers")


def site_links(ctx: PageContext, lo: int = 3, hi: int = 5, first: str | None = None) -> list[str]:
    keys = ctx.rng.sample(_SITE_LINKS, ctx.rng.randint(lo, hi))
    if first and first not in keys:
        keys[0] = first
    return [ctx.t.ui(k) for k in keys]


def landing(ctx: PageContext, brand: str) -> str:
    r = ctx.rng
    out = [s.navbar(ctx, brand, site_links(ctx), -1, ["signin", "cta"]), "<main>", s.hero(ctx)]
    feat = ctx.pick("features", ("grid", "cards", "alternating"), (0.45, 0.3, 0.25))
    n_feat = r.choice((3, 4, 6))
    feat_h = 1250 if feat == "alternating" else (800 if n_feat == 6 else 500)
    pool: list[Section] = [
        (s.logo_strip, 160), (lambda x: s.features(x, n_feat), feat_h), (s.stats_band, 240),
        (s.testimonials, 520), (s.cta_band, 320)]
    out.append(fill(ctx, pool, 1250 if ctx.variants.get("hero") == "center" else 1550))
    out += ["</main>", s.footer(ctx, brand), s.overlays(ctx)]
    return "".join(out)


Section = tuple[Callable[[PageContext], str], int]


def fill(ctx: PageContext, pool: list[Section], budget: int) -> str:
    """Build a random subset of ``pool`` (in pool order) whose estimated heights fit ``budget`` px.

    Estimates are for a 16 px, medium-spacing theme at 1280 px; :attr:`PageContext.scale` adjusts
    them, so pages stay within about 3000 px at 1280 px wide.
    """
    budget = int(budget / ctx.scale)
    chosen = []
    for i, (_fn, est) in sorted(enumerate(pool), key=lambda _: ctx.rng.random()):
        if est <= budget:
            chosen.append(i)
            budget -= est
    return "".join(pool[i][0](ctx) for i in sorted(chosen))


def pricing(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    yearly = r.random() < 0.5
    toggle = c.tabs(ctx, [t.ui("monthly"), t.ui("yearly")], 1 if yearly else 0)
    ctx.need("tpl-pricing", ".pricing-head{text-align:center;margin:0 auto var(--s6);max-width:760px}"
                            ".pricing-head .tabs{justify-content:center;margin:var(--s4) auto 0;width:max-content;max-width:100%}")
    head = (f'<div class="pricing-head"><span class="eyebrow">{esc(t.ui("pricing"))}</span>'
            f'<h1 data-lc="text">{esc(t.title(3, 8))}</h1><p class="lead" data-lc="text">{esc(t.sentence(10, 22))}</p>{toggle}</div>')
    pool: list[Section] = [
        (lambda x: f'<section class="section"><div class="container"><h2>{esc(t.ui("compare_plans"))}</h2>'
                   f"{_compare_table(x)}</div></section>", 520),
        (s.logo_strip, 160),
        (lambda x: f'<section class="section"><div class="container" style="max-width:820px"><h2>{esc(t.ui("faq"))}</h2>'
                   f"{s.faq(x, r.randint(3, 5))}</div></section>", 450),
        (s.testimonials, 520),
        (s.cta_band, 320),
    ]
    extra = [fill(ctx, pool, 900)]
    return (s.navbar(ctx, brand, site_links(ctx, first="pricing"), 0, ["signin", "cta"])
            + f'<main><section class="section"><div class="container">{head}{s.pricing_plans(ctx, yearly)}</div></section>'
            + "".join(extra) + "</main>" + s.footer(ctx, brand) + s.overlays(ctx))


def _compare_table(ctx: PageContext) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("table", b.TABLE_CSS)
    plans = [t.ui(k) for k in ("starter", "pro", "business")]
    rows = []
    for _ in range(r.randint(4, 7)):
        cells = []
        for _p in plans:
            roll = r.random()
            cells.append(svg.icon("check", 18) if roll < 0.55 else (svg.icon("x", 18) if roll < 0.8 else esc(t.number(r.choice((5, 10, 50, 100, 1000))))))
        rows.append(f"<tr><td>{esc(t.words(r.randint(2, 5)))}</td>" + "".join(f'<td style="text-align:center">{x}</td>' for x in cells) + "</tr>")
    heads = "".join(f'<th style="text-align:center">{esc(p)}</th>' for p in plans)
    return (f'<div class="table-wrap"{ctx.root("table")}><table class="tbl wide {r.choice(("", "striped"))}"><thead><tr><th></th>{heads}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def article(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    name = t.name()
    with_side = r.random() < 0.4
    ctx.need("tpl-article", ".art-head{max-width:760px;margin-bottom:var(--s5)}.art-head .meta{margin-top:var(--s3)}"
                            ".art-layout{display:grid;grid-template-columns:minmax(0,1fr) 280px;gap:var(--s6);align-items:start}"
                            ".art-side{position:relative}.art-side h4{margin-bottom:var(--s2)}"
                            ".art-side ol{padding-inline-start:1.2em;margin:0}.art-side li{margin:6px 0}"
                            ".author{display:flex;gap:var(--s3);align-items:center;padding:var(--s4);margin-top:var(--s5)}"
                            "@media (max-width:1023px){.art-layout{grid-template-columns:minmax(0,1fr)}}")
    head = (f'<header class="art-head">{c.breadcrumbs(ctx, r.randint(2, 3))}<div style="height:var(--s4)"></div>'
            f'{c.badge(ctx, t.label())}<h1 data-lc="text" style="margin-top:var(--s2)">{esc(t.title(5, 12))}</h1>'
            f'<div class="meta">{c.avatar(ctx, name, 36)}<span>{esc(t.ui("written_by"))} <b>{esc(name)}</b></span><span>·</span>'
            f'<span>{esc(t.date())}</span><span>·</span><span>{t.digits(str(r.randint(3, 18)))} {esc(t.ui("min_read"))}</span></div></header>')
    hero_fig = c.image(ctx, 1200, 500) if r.random() < 0.5 else ""
    blocks = int((r.randint(8, 12) if not hero_fig else r.randint(6, 9)) / ctx.scale)
    body = f'<div class="prose"{ctx.root("article")}>{b.article_body(ctx, blocks)}</div>'
    after = f'<div style="margin-top:var(--s5)">{c.tags(ctx, r.randint(3, 6))}</div>'
    if r.random() < 0.5:
        after += (f'<div class="card author"{ctx.root("card")}>{c.avatar(ctx, name, 56)}<div><b>{esc(name)}</b>'
                  f'<p class="muted" style="margin:0">{esc(t.sentence(8, 18))}</p></div></div>')
    if with_side:
        toc = "".join(f'<li><a href="#">{esc(t.title(2, 5))}</a></li>' for _ in range(r.randint(3, 6)))
        side = (f'<aside class="art-side"{ctx.root("sidebar")}><div class="card"><div class="card-body"><h4>{esc(t.ui("on_this_page"))}</h4>'
                f'<ol>{toc}</ol></div></div><div style="height:var(--s4)"></div>{s.newsletter(ctx) if r.random() < 0.5 else ""}</aside>')
        main = f'<div class="art-layout" data-lc-container><div>{body}{after}</div>{side}</div>'
    else:
        main = f'<div style="max-width:760px;margin-inline:auto">{body}{after}</div>'
        head = head.replace('class="art-head"', 'class="art-head" style="margin-inline:auto"', 1)
    hero_block = f'<div style="margin-bottom:var(--s5)">{hero_fig}</div>' if hero_fig else ""
    return (s.navbar(ctx, brand, site_links(ctx, first="blog"), 0, ["search", "cta"])
            + f'<main class="section" style="padding-top:var(--s5)"><div class="container">{head}{hero_block}{main}</div></main>'
            + s.footer(ctx, brand) + s.overlays(ctx))


def blog_index(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("tpl-blog", ".featured{display:grid;grid-template-columns:minmax(0,1.2fr) minmax(0,1fr);overflow:hidden}"
                         ".featured .media{border-radius:0;height:100%}.featured .card-body{padding:var(--s5);align-self:center}"
                         ".blog-layout{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:var(--s6);align-items:start}"
                         ".cat-list{list-style:none;margin:0;padding:0}.cat-list li{display:flex;justify-content:space-between;"
                         "padding:6px 0;border-bottom:1px solid var(--border)}"
                         "@media (max-width:900px){.featured,.blog-layout{grid-template-columns:minmax(0,1fr)}}")
    ctx.need("cards", b.CARDS_CSS)
    filters = c.tabs(ctx, [t.ui("all")] + [t.label() for _ in range(r.randint(3, 5))], 0)
    head = (f'<div class="section-head"><h1 data-lc="text">{esc(t.ui("blog") if r.random() < 0.5 else t.title(2, 5))}</h1>'
            f'<p class="lead" data-lc="text">{esc(t.sentence(8, 18))}</p></div>{filters}<div style="height:var(--s5)"></div>')
    name = t.name()
    featured = ""
    if r.random() < 0.6:
        featured = (f'<article class="card featured"{ctx.root("card", container=True)}>{c.image(ctx, 720, 440)}<div class="card-body">'
                    f'{c.badge(ctx, t.label())}<h2 data-lc="text" style="margin-top:var(--s2)">{esc(t.title(4, 9))}</h2>'
                    f'<p class="muted" data-lc="text">{esc(t.paragraph(1, 2))}</p><div class="meta">{c.avatar(ctx, name, 28)}'
                    f'<span>{esc(name)}</span><span>·</span><span>{esc(t.date())}</span></div></div></article>'
                    f'<div style="height:var(--s5)"></div>')
    layout = ctx.pick("blog-layout", ("grid", "list-side", "grid-side"))
    if layout == "grid":
        n = 3 if featured else 6
        posts = f'<div class="grid g3" data-lc-container>{"".join(b.post_card(ctx) for _ in range(n))}</div>'
        main = posts + c.pagination(ctx)
    else:
        if layout == "list-side":
            posts = "".join(b.media_object(ctx) for _ in range(3 if featured else 4))
        else:
            posts = f'<div class="grid g2" data-lc-container>{"".join(b.post_card(ctx, True, False) for _ in range(4))}</div>'
        cats = "".join(f'<li><a href="#">{esc(t.label())}</a><span class="muted">{t.digits(str(r.randint(1, 80)))}</span></li>'
                       for _ in range(r.randint(4, 6)))
        side = (f'<aside{ctx.root("sidebar")}><div class="card"><div class="card-body"><h4>{esc(t.ui("categories"))}</h4>'
                f'<ul class="cat-list">{cats}</ul></div></div><div style="height:var(--s4)"></div>'
                f'<div class="card"><div class="card-body"><h4>{esc(t.ui("tags"))}</h4>{c.tags(ctx, r.randint(5, 9))}</div></div></aside>')
        main = f'<div class="blog-layout" data-lc-container><div>{posts}{c.pagination(ctx)}</div>{side}</div>'
    return (s.navbar(ctx, brand, site_links(ctx, first="blog"), 0, ["search", "signin"])
            + f'<main class="section" style="padding-top:var(--s6)"><div class="container">{head}{featured}{main}</div></main>'
            + s.footer(ctx, brand) + s.overlays(ctx))


def docs(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("tpl-docs", ".docs{display:grid;grid-template-columns:250px minmax(0,1fr) 210px;gap:var(--s6);padding-top:var(--s5)}"
                         ".docs.two{grid-template-columns:250px minmax(0,1fr)}"
                         ".tree h5{margin:var(--s4) 0 var(--s1);font-size:.78em;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}"
                         ".tree a{display:block;padding:4px var(--s2);color:var(--text);border-radius:var(--rs);font-size:.93em}"
                         ".tree a.on{background:var(--accent-soft);color:var(--accent);font-weight:600}"
                         ".tree a.sub{padding-inline-start:var(--s5);font-size:.88em;color:var(--muted)}"
                         ".toc{font-size:.88em;align-self:start}.toc a{display:block;color:var(--muted);padding:3px 0}"
                         ".toc a.on{color:var(--accent)}"
                         ".docs-pager{display:grid;grid-template-columns:1fr 1fr;gap:var(--s4);margin-top:var(--s6)}"
                         ".docs-pager a{display:block;padding:var(--s3) var(--s4);border:1px solid var(--border);border-radius:var(--r)}"
                         ".docs-pager a small{display:block;color:var(--muted)}.docs-pager a+a{text-align:end}"
                         "@media (max-width:1180px){.docs{grid-template-columns:230px minmax(0,1fr)}.toc{display:none}}"
                         "@media (max-width:767px){.docs,.docs.two{grid-template-columns:minmax(0,1fr)}.tree{display:none}}")
    groups = []
    active_done = False
    for _ in range(r.randint(3, 4)):
        links = []
        for j in range(r.randint(3, 5)):
            on = not active_done and r.random() < 0.3
            active_done = active_done or on
            links.append(f'<a href="#" class="{"on" if on else ""}{" sub" if j > 0 and r.random() < 0.3 else ""}">{esc(t.title(1, 3))}</a>')
        groups.append(f"<h5>{esc(t.label())}</h5>{''.join(links)}")
    tree = f'<nav class="tree"{ctx.root("sidebar")}>{"".join(groups)}</nav>'
    parts = [c.breadcrumbs(ctx, 3), f'<h1 data-lc="text" style="margin-top:var(--s3)">{esc(t.title(2, 5))}</h1>',
             f'<p class="lead" data-lc="text">{esc(t.paragraph(1, 2))}</p>']
    heads = []
    for k in range(r.randint(2, 3)):
        h = t.title(2, 5)
        heads.append(h)
        parts.append(f'<h2 data-lc="text">{esc(h)}</h2><p data-lc="text">{esc(t.paragraph(2, 3))}</p>')
        roll = r.random()
        if k == 0 or roll < 0.4:
            parts.append(b.code_block(ctx))
        if roll > 0.55:
            parts.append(c.alert(ctx, r.choice(("info", "warn")), t.ui("note"), t.sentence(8, 20)))
        if k == 1:
            parts.append(b.data_table(ctx, "params", r.randint(3, 5), "scroll"))
    pager = (f'<div class="docs-pager" data-lc-container><a href="#"><small>{esc(t.ui("previous"))}</small>{esc(t.title(1, 3))}</a>'
             f'<a href="#"><small>{esc(t.ui("next"))}</small>{esc(t.title(1, 3))}</a></div>')
    content = f'<article class="prose" style="--measure:100%"{ctx.root("article")}>{"".join(parts)}{pager}</article>'
    with_toc = r.random() < 0.7
    toc = ""
    if with_toc:
        toc_links = "".join(f'<a href="#"{" class=on" if i == 0 else ""}>{esc(h)}</a>' for i, h in enumerate(heads))
        toc = f'<nav class="toc"{ctx.root("toc")}><b>{esc(t.ui("on_this_page"))}</b>{toc_links}</nav>'
    nav = s.navbar(ctx, brand + " Docs", [t.ui(k) for k in ("docs", "resources", "blog")][: r.randint(2, 3)], 0,
                   ["search", "cta"], sticky=True)
    if r.random() < 0.5:
        ctx.need("form", c.FORM_CSS)
        nav = nav.replace('<nav class="nav-links"', f'<div class="hide-sm" style="flex:0 1 260px;min-width:0">'
                          f'<input class="input" type="search" placeholder="{esc(t.ui("search"))}…"></div><nav class="nav-links"', 1)
    return (nav + f'<main class="container"><div class="docs{"" if with_toc else " two"}" data-lc-container>{tree}{content}{toc}</div></main>'
            + s.footer(ctx, brand))


def profile(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("tpl-profile", ".cover{height:var(--cover-h,220px);border-radius:0 0 var(--r) var(--r)}"
                            ".cover .media{height:100%;border-radius:inherit}"
                            ".p-head{position:relative;padding-top:64px;display:flex;gap:var(--s4);align-items:flex-end;flex-wrap:wrap}"
                            ".p-head>.avatar{position:absolute;top:-56px;inset-inline-start:var(--s4);border:4px solid var(--bg)}"
                            ".p-head h1{margin:0;font-size:var(--h2)}.p-stats{display:flex;gap:var(--s5);margin:var(--s4) 0}"
                            ".p-stats b{display:block;font-size:1.2em}"
                            ".p-layout{display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:var(--s5);margin-top:var(--s5);align-items:start}"
                            ".gallery{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:var(--s2)}"
                            "@media (max-width:900px){.p-layout{grid-template-columns:minmax(0,1fr)}}")
    name = t.name()
    cover = f'<div class="container"><div class="cover" style="--cover-h:{r.choice((180, 220, 260))}px">{c.image(ctx, 1200, 260, ratio=False)}</div></div>'
    actions = (f'<div class="btn-row" style="margin-inline-start:auto">{c.button(ctx, t.ui("follow"), "", "", "plus")}'
               f'{c.button(ctx, t.ui("messages"), "secondary", "", "mail")}</div>')
    stats = "".join(f"<div><b>{esc(t.number(r.randint(3, 90000)))}</b><small>{esc(t.ui(k))}</small></div>"
                    for k in ("posts", "followers", "following"))
    head = (f'<div class="p-head"{ctx.root("profile-header", container=True)}>{c.avatar(ctx, name, 112)}<div><h1 data-lc="text">{esc(name)}</h1>'
            f'<span class="muted">{esc(t.handle())} · {esc(t.label())}</span></div>{actions}</div>'
            f'<p data-lc="text" style="max-width:60ch;margin-top:var(--s3)">{esc(t.sentence(10, 24))}</p>'
            f'<div class="p-stats" data-lc-container>{stats}</div>')
    tabs = c.tabs(ctx, [t.ui(k) for k in ("posts", "about_me", "followers", "following")], 0)
    if r.random() < 0.5:
        content = f'<div class="gallery" data-lc-container>{"".join(c.image(ctx, 300, 300) for _ in range(6))}</div>'
    else:
        content = f'<div class="grid g2" data-lc-container>{"".join(b.post_card(ctx, r.random() < 0.6, True) for _ in range(2))}</div>'
    pairs = [(t.ui("location"), t.city()), (t.ui("website"), t.domain(t.brand()) + "/" + t.handle()[1:]),
             ("Email", t.email(t.domain(brand))), (t.ui("joined"), t.date())]
    people = "".join(c.avatar(ctx, t.name(), 34) for _ in range(r.randint(4, 7)))
    side = (f'<aside{ctx.root("sidebar")}><div class="card"><div class="card-body"><h4>{esc(t.ui("about_me"))}</h4>'
            f'{b.kv_list(ctx, pairs)}</div></div><div style="height:var(--s4)"></div><div class="card"><div class="card-body">'
            f'<h4>{esc(t.ui("followers"))}</h4><div class="avatars">{people}</div></div></div></aside>')
    return (s.navbar(ctx, brand, site_links(ctx), -1, ["search", "bell", "avatar"])
            + f'<main>{cover}<div class="container">{head}{tabs}<div class="p-layout" data-lc-container><div>{content}</div>{side}</div></div></main>'
            + s.footer(ctx, brand) + s.overlays(ctx))
