"""Content and app blocks: data tables, app sidebar, stat tiles, charts, activity feeds, cards for
products, posts and people, definition lists, code blocks and long article bodies."""

from __future__ import annotations

from layoutcheck.synth.pages import components as c
from layoutcheck.synth.pages import corpus, svg
from layoutcheck.synth.pages.context import PageContext
from layoutcheck.synth.pages.text import esc

TABLE_CSS = """
.table-wrap{overflow-x:auto;border:1px solid var(--border);border-radius:var(--r);background:var(--surface)}
.tbl{width:100%;border-collapse:collapse;font-size:.92em}
.tbl.wide{min-width:680px}
.tbl caption{text-align:start;padding:var(--s3);font-weight:600}
.tbl th{text-align:start;font-weight:600;color:var(--muted);font-size:.85em;padding:var(--s2) var(--s3);
border-bottom:1px solid var(--border);background:var(--surface-2);white-space:nowrap}
.tbl td{padding:var(--s2) var(--s3);border-bottom:1px solid var(--border);vertical-align:middle}
.tbl tbody tr:last-child td{border-bottom:0}
.tbl .num{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
.tbl.striped tbody tr:nth-child(even){background:var(--surface-2)}
.tbl.grid-lines td,.tbl.grid-lines th{border:1px solid var(--border)}
.tbl .who{display:flex;gap:var(--s2);align-items:center;min-width:0}
.tbl .who small{display:block}
.tbl .acts{display:flex;gap:4px;color:var(--muted);justify-content:flex-end}
.tbl code{font-family:var(--font-mono);font-size:.9em}
.up{color:var(--ok)}.down{color:var(--bad)}
@media (max-width:767px){.tbl.stack thead{display:none}.tbl.stack,.tbl.stack tbody,.tbl.stack tr,.tbl.stack td{display:block;width:100%}
.tbl.stack tr{border-bottom:1px solid var(--border);padding:var(--s2) 0}
.tbl.stack td{display:flex;justify-content:space-between;gap:var(--s3);border:0;padding:4px var(--s3);text-align:end}
.tbl.stack td::before{content:attr(data-label);font-weight:600;color:var(--muted);text-align:start}}
"""

APP_CSS = """
.app{display:grid;grid-template-columns:var(--side-w,240px) minmax(0,1fr);min-height:100vh}
.side{background:var(--surface);border-inline-end:1px solid var(--border);padding:var(--s4) var(--s3);display:flex;
flex-direction:column;gap:var(--s4)}
.side.dark{background:#12151c;color:#d5d9e0;border:0}.side.dark a{color:#b8bfcc}.side.dark .brand{color:#fff}
.side.accent{background:var(--accent);color:var(--on-accent)}.side.accent a,.side.accent .brand{color:var(--on-accent)}
.side-nav{display:flex;flex-direction:column;gap:2px}
.side-top{display:flex;align-items:center;justify-content:space-between;gap:var(--s2)}
.side-burger{display:none;background:none;border:0;color:inherit;padding:4px}
.side-nav a{display:flex;align-items:center;gap:var(--s2);padding:var(--s2) var(--s3);border-radius:var(--rs);color:var(--text)}
.side-nav a.on{background:var(--accent-soft);color:var(--accent);font-weight:600}
.side.dark .side-nav a.on,.side.accent .side-nav a.on{background:rgba(255,255,255,.14);color:inherit}
.side-nav a .badge{margin-inline-start:auto}
.side-title{font-size:.72em;text-transform:uppercase;letter-spacing:.08em;opacity:.6;padding:var(--s3) var(--s3) var(--s1)}
.side-foot{margin-top:auto;display:flex;gap:var(--s2);align-items:center;font-size:.9em}
.main{padding:var(--s5);min-width:0}
.topline{display:flex;gap:var(--s3);align-items:center;flex-wrap:wrap;margin-bottom:var(--s5)}
.topline h1{margin:0;font-size:var(--h2)}
.topline .spacer{flex:1}
.tile .label{color:var(--muted);font-size:.88em;display:flex;justify-content:space-between;align-items:center}
.tile .value{font-size:calc(var(--h2) * 1.05);font-weight:700;font-family:var(--font-head);margin:var(--s1) 0}
.tile .spark{height:40px;margin-top:var(--s2)}.tile .spark svg{width:100%;height:100%}
.chart-card .chart{height:var(--chart-h,240px)}.chart-card .chart svg{width:100%;height:100%}
.card-head{display:flex;align-items:center;gap:var(--s3);justify-content:space-between;flex-wrap:wrap;
padding:var(--s3) var(--s4);border-bottom:1px solid var(--border)}
.card-head h3{margin:0;font-size:1.05em}
.feed{list-style:none;margin:0;padding:0}.feed li{display:flex;gap:var(--s3);padding:var(--s2) 0;align-items:flex-start}
.feed li+li{border-top:1px solid var(--border)}.feed p{margin:0;font-size:.92em}.feed small{display:block}
@media (max-width:900px){.app{grid-template-columns:minmax(0,1fr)}.side{border:0;border-bottom:1px solid var(--border)}
.side-nav{flex-direction:row;flex-wrap:wrap}.side-title,.side-foot{display:none}.side.collapse .side-nav{display:none}
.side.collapse .side-burger{display:inline-flex}
.main{padding:var(--s4)}}
"""

CARDS_CSS = """
.pcard{position:relative;display:flex;flex-direction:column}
.pcard .media{border-radius:var(--r) var(--r) 0 0}
.pcard .wish{position:absolute;top:var(--s2);inset-inline-end:var(--s2);z-index:2;width:34px;height:34px;border-radius:50%;
background:var(--surface);color:var(--text);display:flex;align-items:center;justify-content:center;box-shadow:0 1px 3px rgba(0,0,0,.2)}
.pcard .card-body{display:flex;flex-direction:column;gap:6px;flex:1}
.pcard h3{font-size:1em;margin:0}.pcard .btn{width:100%;margin-top:auto}
@media (max-width:767px){.pcard .btn svg{display:none}.pcard .btn{padding-inline:.4em}}
.price{font-weight:700;font-size:1.1em}.price s{color:var(--muted);font-weight:400;font-size:.85em;margin-inline-start:6px}
.post .meta,.meta{display:flex;gap:var(--s2);align-items:center;flex-wrap:wrap;font-size:.85em;color:var(--muted)}
.post h3{font-size:1.15em;margin:var(--s2) 0}.post p{color:var(--muted)}
.post .media{border-radius:var(--r) var(--r) 0 0}
.person{text-align:center}.person .avatar{margin:0 auto var(--s2)}
.mobj{padding:var(--s4) 0;border-bottom:1px solid var(--border)}
.mobj>.media{float:inline-start;width:220px;margin-inline-end:var(--s4);margin-bottom:var(--s2)}
.mobj h3{margin-top:0}
@media (max-width:600px){.mobj>.media{float:none;width:100%;margin:0 0 var(--s3)}}
.kv{display:grid;grid-template-columns:minmax(0,auto) minmax(0,1fr);gap:var(--s2) var(--s4);margin:0}
.kv dt{color:var(--muted)}.kv dd{margin:0;font-weight:500}
"""

ARTICLE_CSS = """
.prose{max-width:var(--measure,720px)}
.prose p,.prose li{font-size:1.04em}
.prose h2{margin-top:var(--s6)}.prose h3{margin-top:var(--s5)}
.prose blockquote{margin:var(--s5) 0;padding:var(--s2) var(--s4);border-inline-start:4px solid var(--accent);font-size:1.12em;
font-style:italic;color:var(--muted)}
.prose figure{margin:var(--s5) 0}.prose figcaption{font-size:.85em;color:var(--muted);margin-top:var(--s2)}
.prose figure.float{float:inline-end;width:42%;margin:var(--s1) 0 var(--s3) var(--s4)}
[dir=rtl] .prose figure.float{margin:var(--s1) var(--s4) var(--s3) 0}
.prose ul,.prose ol{padding-inline-start:1.4em}
.prose .table-wrap{margin:var(--s4) 0}
code{font-family:var(--font-mono);font-size:.88em;background:var(--surface-2);padding:.1em .35em;border-radius:4px}
pre.code{font-family:var(--font-mono);font-size:.85em;line-height:1.55;background:#0f141b;color:#d6deeb;padding:var(--s4);
border-radius:var(--r);overflow-x:auto;margin:var(--s4) 0;white-space:pre;direction:ltr;text-align:left}
pre.code.light{background:var(--surface-2);color:var(--text);border:1px solid var(--border)}
pre.code code{background:none;padding:0;font-size:1em}
.tk{color:#c792ea}.ts{color:#c3e88d}.tn{color:#f78c6c}.tc{color:#7f8c98;font-style:italic}.tf{color:#82aaff}
pre.code.light .tk{color:#8e24aa}pre.code.light .ts{color:#2e7d32}pre.code.light .tn{color:#d84315}pre.code.light .tf{color:#1565c0}
@media (max-width:767px){.prose figure.float{float:none;width:auto;margin:var(--s4) 0}}
"""


# tables
def data_table(ctx: PageContext, kind: str, rows: int, responsive: str | None = None) -> str:
    """A data table of ``kind`` (orders, users, report, invoices, params, specs) in a scroll or stack layout."""
    t = ctx.t
    ctx.need("table", TABLE_CSS)
    ctx.need("badge", c.BADGE_CSS)
    responsive = responsive or ctx.pick("table-responsive", ("scroll", "stack"))
    style = ctx.pick("table-style", ("", "striped", "grid-lines"), (0.5, 0.35, 0.15))
    status = [("paid", "ok"), ("pending", "warn"), ("failed", "bad"), ("draft", "neutral"), ("active", "ok")]
    if kind == "orders":
        heads = [t.ui("order"), t.ui("customer"), t.ui("date"), t.ui("status"), t.ui("amount"), ""]
    elif kind == "users":
        heads = [t.ui("full_name"), t.ui("type"), t.ui("status"), t.ui("updated"), ""]
    elif kind == "report":
        heads = [t.ui("category"), t.ui("sessions"), t.ui("conversion"), t.ui("revenue"), "Δ"]
    elif kind == "invoices":
        heads = [t.ui("invoice"), t.ui("date"), t.ui("plan"), t.ui("amount"), t.ui("status"), ""]
    elif kind == "params":
        heads = [t.ui("parameter"), t.ui("type"), t.ui("default"), t.ui("description")]
    else:  # specs
        heads = [t.ui("specifications"), ""]
    num_cols = {"orders": {4}, "report": {1, 2, 3, 4}, "invoices": {3}}.get(kind, set())
    body = []
    for _ in range(rows):
        cells: list[str] = []
        if kind == "orders":
            name = t.name()
            st, tone = ctx.rng.choice(status[:4])
            cells = [f"<code>#{ctx.rng.randint(10000, 99999)}</code>",
                     f'<div class="who">{c.avatar(ctx, name, 30)}<span>{esc(name)}<small class="muted">{esc(t.email())}</small></span></div>',
                     esc(t.date()), c.badge(ctx, t.ui(st), tone), esc(t.price(t.money_value(5, 2400))),
                     f'<div class="acts">{svg.icon("edit", 16)}{svg.icon("trash", 16)}</div>']
        elif kind == "users":
            name = t.name()
            st, tone = ctx.rng.choice((status[4], status[1], status[3]))
            cells = [f'<div class="who">{c.avatar(ctx, name, 30)}<span>{esc(name)}<small class="muted">{esc(t.handle())}</small></span></div>',
                     esc(t.label()), c.badge(ctx, t.ui(st), tone), esc(t.date()),
                     f'<div class="acts">{svg.icon("edit", 16)}</div>']
        elif kind == "report":
            delta = ctx.rng.uniform(-30, 45)
            cells = [esc(t.label()), esc(t.number(ctx.rng.randint(100, 250000))), esc(t.percent(ctx.rng.uniform(0.3, 12), 2).lstrip("+")),
                     esc(t.price(t.money_value(100, 90000))),
                     f'<span class="{"up" if delta >= 0 else "down"}">{esc(t.percent(delta))}</span>']
        elif kind == "invoices":
            st, tone = ctx.rng.choice(status[:3])
            cells = [f"<code>INV-{ctx.rng.randint(2019, 2025)}-{ctx.rng.randint(1, 999):03d}</code>", esc(t.date()),
                     esc(t.ui(ctx.rng.choice(("starter", "pro", "business")))), esc(t.price(t.money_value(9, 900))),
                     c.badge(ctx, t.ui(st), tone), f'<a href="#" aria-label="download">{svg.icon("download", 16)}</a>']
        elif kind == "params":
            cells = [f"<code>{ctx.rng.choice(corpus.CODE_NAMES)}</code>", f"<code>{ctx.rng.choice(('string', 'int', 'bool', 'float', 'list[str]', 'dict'))}</code>",
                     f"<code>{ctx.rng.choice(('None', '0', 'true', '30', '&quot;auto&quot;', '[]'))}</code>", esc(t.sentence(5, 14))]
        else:
            cells = [f'<span class="muted">{esc(t.label())}</span>',
                     esc(ctx.rng.choice((t.words(2), t.number(ctx.rng.uniform(1, 900), 1) + " " + ctx.rng.choice(("mm", "kg", "W", "mAh", "cm")), t.label())))]
        tds = "".join(f'<td data-label="{esc(heads[i])}"{" class=num" if i in num_cols else ""}>{cell}</td>' for i, cell in enumerate(cells))
        body.append(f"<tr>{tds}</tr>")
    ths = "".join(f'<th{" class=num" if i in num_cols else ""} scope="col">{esc(h)}</th>' for i, h in enumerate(heads))
    head = "" if kind == "specs" else f"<thead><tr>{ths}</tr></thead>"
    wide = " wide" if responsive == "scroll" and kind not in ("specs",) else ""
    cls = " ".join(x for x in ("tbl", style, "stack" if responsive == "stack" and kind != "specs" else "") if x) + wide
    return (f'<div class="table-wrap"{ctx.root("table")}><table class="{cls}">{head}<tbody>{"".join(body)}</tbody>'
            f"</table></div>")


# app shell
def app_sidebar(ctx: PageContext, brand: str, keys: list[str], active: int) -> str:
    t = ctx.t
    ctx.need("app", APP_CSS)
    ctx.need("badge", c.BADGE_CSS)
    tone = ctx.pick("sidebar", ("", "dark", "accent"), (0.55, 0.3, 0.15))
    collapse = " collapse" if ctx.rng.random() < 0.4 else ""
    ctx.need("side-w", f":root{{--side-w:{ctx.rng.choice((220, 240, 256, 280))}px}}")
    icons = ("home", "chart", "users", "box", "message", "file", "calendar", "settings", "layers", "database")
    links = []
    for i, k in enumerate(keys):
        if i == len(keys) // 2 + 1:
            links.append(f'<span class="side-title">{esc(t.label())}</span>')
        count = c.badge(ctx, t.digits(str(ctx.rng.randint(1, 99))), "neutral") if ctx.rng.random() < 0.25 else ""
        links.append(f'<a href="#"{" class=on" if i == active else ""}>{svg.icon(icons[i % len(icons)], 18)}'
                     f"<span>{esc(t.ui(k))}</span>{count}</a>")
    name = t.name()
    mark = svg.logo_mark(ctx.rng, ctx.theme.accent if tone != "accent" else ctx.theme.on_accent, ctx.theme.accent2)
    burger = f'<button class="burger side-burger" type="button" aria-label="menu">{svg.icon("menu", 24)}</button>'
    return (f'<aside class="side {tone}{collapse}"{ctx.root("sidebar")}><div class="side-top"><a class="brand" href="#">{mark}'
            f'<span>{esc(brand)}</span></a>{burger}</div>'
            f'<nav class="side-nav" data-lc-container>{"".join(links)}</nav>'
            f'<div class="side-foot">{c.avatar(ctx, name, 32)}<span>{esc(name)}<br><small>{esc(t.email())}</small></span></div></aside>')


def topline(ctx: PageContext, title: str, actions: list[str]) -> str:
    ctx.need("app", APP_CSS)
    return (f'<div class="topline"{ctx.root("toolbar", container=True)}><h1 data-lc="text">{esc(title)}</h1>'
            f'<span class="spacer"></span>{"".join(actions)}</div>')


def stat_tile(ctx: PageContext, label: str) -> str:
    t = ctx.t
    ctx.need("app", APP_CSS)
    delta = ctx.rng.uniform(-20, 40)
    value = ctx.rng.choice((t.price(t.money_value(1000, 250000)), t.number(ctx.rng.randint(120, 99000)),
                            t.percent(ctx.rng.uniform(1, 80)).lstrip("+")))
    spark = f'<div class="spark">{svg.chart(ctx.rng, ctx.theme, "sparkline", 200, 40, ctx.uid())}</div>' if ctx.rng.random() < 0.55 else ""
    return (f'<div class="card tile"{ctx.root("stat")}><div class="card-body"><div class="label"><span>{esc(label)}</span>'
            f'{svg.icon(ctx.rng.choice(("dollar", "users", "chart", "trending", "box")), 18)}</div>'
            f'<div class="value">{esc(value)}</div>{c.badge(ctx, t.percent(delta), "ok" if delta >= 0 else "bad")} '
            f'<small>{esc(t.ui("vs_last"))}</small>{spark}</div></div>')


def chart_card(ctx: PageContext, title: str, kind: str | None = None) -> str:
    t = ctx.t
    ctx.need("app", APP_CSS)
    kind = kind or ctx.rng.choice(("bar", "line", "area", "donut"))
    h = ctx.rng.choice((200, 240, 280))
    w = 320 if kind == "donut" else 640
    labels = [m[:3] for m in corpus.MONTHS[t.lang]]
    chart = svg.chart(ctx.rng, ctx.theme, kind, w, h if kind != "donut" else 240, ctx.uid(), labels)
    right = c.select(ctx, None, [t.ui("this_month"), t.ui("yearly"), t.ui("monthly")]) if ctx.rng.random() < 0.5 else \
        c.badge(ctx, t.percent(ctx.rng.uniform(1, 30)), "ok")
    return (f'<div class="card chart-card" style="--chart-h:{h}px"{ctx.root("chart")}><div class="card-head"><h3>{esc(title)}</h3>{right}</div>'
            f'<div class="card-body"><div class="chart" data-lc="image">{chart}</div></div></div>')


def activity(ctx: PageContext, n: int) -> str:
    t = ctx.t
    ctx.need("app", APP_CSS)
    items = []
    for _ in range(n):
        name = t.name()
        items.append(f"<li>{c.avatar(ctx, name, 32)}<div><p><b>{esc(name)}</b> {esc(t.sentence(4, 10))}</p>"
                     f"<small>{esc(t.date())} · {esc(t.time())}</small></div></li>")
    return f'<ul class="feed"{ctx.root("list")}>{"".join(items)}</ul>'


# cards
def product_card(ctx: PageContext, compact: bool = False) -> str:
    t = ctx.t
    ctx.need("cards", CARDS_CSS)
    value = t.money_value(8, 600)
    sale = ctx.rng.random() < 0.3
    ribbon = (t.ui("sale") + " −" + t.digits(str(ctx.rng.choice((10, 15, 20, 30, 50)))) + "%") if sale else \
        (t.ui("new") if ctx.rng.random() < 0.15 else None)
    height = int(ctx.pick("product-image-h", ("400", "480", "300", "360")))
    img = c.image(ctx, 400, height, ctx.pick("product-image", ("inline", "photo", "svg-img", "mixed")), ribbon,
                  art=ctx.rng.choice(("product", "product", "blobs", "geometric")))
    old = f"<s>{esc(t.price(value * 1.3))}</s>" if sale else ""
    cta = c.button(ctx, t.ui("add_to_cart"), "secondary", "sm", "cart") if not compact and ctx.rng.random() < 0.6 else ""
    rating = ctx.rng.choice((3.5, 4, 4.5, 5))
    return (f'<div class="card pcard"{ctx.root("card")}>{img}<a class="wish" href="#" aria-label="wishlist">{svg.icon("heart", 16)}</a>'
            f'<div class="card-body"><small class="muted">{esc(t.brand().split(" ")[0])}</small>'
            f'<h3 data-lc="text">{esc(t.title(2, 5))}</h3><div class="meta">{c.stars(ctx, rating)}'
            f'<span>({t.digits(str(ctx.rng.randint(2, 2400)))})</span></div>'
            f'<div class="price" data-lc="price">{esc(t.price(value))}{old}</div>{cta}</div></div>')


def post_card(ctx: PageContext, with_image: bool = True, excerpt: bool = True) -> str:
    t = ctx.t
    ctx.need("cards", CARDS_CSS)
    name = t.name()
    img = c.image(ctx, 640, 360) if with_image else ""
    ex = f'<p data-lc="text">{esc(t.sentence(12, 26))}</p>' if excerpt else ""
    return (f'<article class="card post"{ctx.root("card")}>{img}<div class="card-body">{c.badge(ctx, t.label())}'
            f'<h3 data-lc="text">{esc(t.title(3, 9))}</h3>{ex}<div class="meta">{c.avatar(ctx, name, 26)}<span>{esc(name)}</span>'
            f"<span>·</span><span>{esc(t.date())}</span></div></div></article>")


def media_object(ctx: PageContext) -> str:
    """A floated thumbnail beside text: a classic blog/news list item."""
    t = ctx.t
    ctx.need("cards", CARDS_CSS)
    return (f'<article class="mobj clearfix"{ctx.root("card")}>{c.image(ctx, 440, 300)}'
            f'<div class="meta">{c.badge(ctx, t.label())}<span>{esc(t.date())}</span><span>·</span>'
            f'<span>{t.digits(str(ctx.rng.randint(2, 25)))} {esc(t.ui("min_read"))}</span></div>'
            f'<h3 data-lc="text">{esc(t.title(4, 10))}</h3><p data-lc="text">{esc(t.paragraph(2, 3))}</p>'
            f'<a href="#">{esc(t.ui("read_more"))} {svg.icon("arrow-right", 14)}</a></article>')


def person_card(ctx: PageContext) -> str:
    t = ctx.t
    ctx.need("cards", CARDS_CSS)
    name = t.name()
    return (f'<div class="card person"{ctx.root("card")}><div class="card-body">{c.avatar(ctx, name, 64)}'
            f'<b>{esc(name)}</b><br><small>{esc(t.label())}</small>'
            f'<div class="btn-row" style="justify-content:center;margin-top:var(--s3)">{c.button(ctx, t.ui("follow"), "secondary", "sm")}</div>'
            f"</div></div>")


def kv_list(ctx: PageContext, pairs: list[tuple[str, str]]) -> str:
    ctx.need("cards", CARDS_CSS)
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs)
    return f'<dl class="kv"{ctx.root("list")}>{items}</dl>'


# code and articles
def code_block(ctx: PageContext) -> str:
    ctx.need("article", ARTICLE_CSS)
    r, names = ctx.rng, corpus.CODE_NAMES
    light = " light" if r.random() < 0.35 else ""
    a, b, d = r.sample(names, 3)
    style = r.choice(("js", "py", "sh", "json"))
    if style == "js":
        lines = [f'<span class="tk">import</span> {{ {a} }} <span class="tk">from</span> <span class="ts">"@acme/{b}"</span>;',
                 "",
                 f'<span class="tk">const</span> {b} = <span class="tf">create{a[:1].upper() + a[1:]}</span>({{',
                 f'  {d}: <span class="tn">{r.randint(1, 5000)}</span>,',
                 f'  region: <span class="ts">"{r.choice(("eu-west-1", "us-east-2", "ap-south-1"))}"</span>,',
                 "});",
                 f'<span class="tc">// {esc(ctx.t.sentence(3, 7))}</span>',
                 f'<span class="tk">await</span> {b}.<span class="tf">{r.choice(names)}</span>(<span class="ts">"{r.choice(names)}"</span>);']
    elif style == "py":
        lines = [f'<span class="tk">from</span> acme <span class="tk">import</span> {a}',
                 "",
                 f'<span class="tk">def</span> <span class="tf">{b}</span>({d}: int = <span class="tn">{r.randint(1, 99)}</span>) -&gt; dict:',
                 f'    <span class="tc"># {esc(ctx.t.sentence(3, 7))}</span>',
                 f'    result = {a}.<span class="tf">{r.choice(names)}</span>({d}, retries=<span class="tn">{r.randint(1, 5)}</span>)',
                 f'    <span class="tk">return</span> {{<span class="ts">"{r.choice(names)}"</span>: result}}']
    elif style == "sh":
        lines = [f'<span class="tc"># {esc(ctx.t.sentence(3, 6))}</span>',
                 f'$ curl -X POST api.example.dev/v{r.randint(1, 3)}/{a} \\',
                 f'    -H <span class="ts">"Authorization: Bearer sk_live_{r.getrandbits(64):016x}"</span> \\',
                 f'    -d {d}=<span class="tn">{r.randint(1, 500)}</span>',
                 f'$ {b} --{d} <span class="tn">{r.randint(1, 64)}</span> --verbose']
    else:
        lines = ["{", f'  <span class="ts">"{a}"</span>: <span class="ts">"{r.choice(names)}"</span>,',
                 f'  <span class="ts">"{b}"</span>: <span class="tn">{r.randint(0, 9999)}</span>,',
                 f'  <span class="ts">"{d}"</span>: [<span class="tn">{r.randint(1, 9)}</span>, <span class="tn">{r.randint(10, 99)}</span>],',
                 f'  <span class="ts">"enabled"</span>: <span class="tk">{r.choice(("true", "false"))}</span>', "}"]
    return f'<pre class="code{light}"{ctx.root("code")}><code>' + "\n".join(lines) + "</code></pre>"


def article_body(ctx: PageContext, blocks: int) -> str:
    """Long-form text: paragraphs, headings, lists, a quote, code, figures (floated or not), a table."""
    t = ctx.t
    ctx.need("article", ARTICLE_CSS)
    out = [f'<p class="lead" data-lc="text">{esc(t.paragraph(2, 3))}</p>']
    kinds = ["p", "p", "p", "h2", "p", "fig", "p", "quote", "h3", "list", "p", "code", "p", "h2", "p", "table", "p"]
    r = ctx.rng
    chosen = ["p"] + [k for k in kinds if r.random() < 0.7][: blocks - 1]
    for k in chosen:
        if k == "p":
            body = esc(t.paragraph(2, 4))
            if r.random() < 0.3:
                words = body.split(" ")
                i = r.randrange(len(words))
                words[i] = f'<a href="#">{words[i]}</a>' if r.random() < 0.5 else f"<code>{r.choice(corpus.CODE_NAMES)}</code>"
                body = " ".join(words)
            out.append(f'<p data-lc="text">{body}</p>')
        elif k in ("h2", "h3"):
            out.append(f'<{k} data-lc="text">{esc(t.title(2, 7))}</{k}>')
        elif k == "fig":
            floated = r.random() < 0.5
            w, h = (480, 360) if floated else (1200, 600)
            out.append(f'<figure class="{"float" if floated else ""}"{ctx.root("figure")}>{c.image(ctx, w, h)}'
                       f"<figcaption>{esc(t.sentence(5, 12))}</figcaption></figure>")
        elif k == "quote":
            out.append(f'<blockquote{ctx.root("quote")}>{esc(t.sentence(12, 26))}</blockquote>')
        elif k == "list":
            tag = r.choice(("ul", "ol"))
            items = "".join(f"<li>{esc(t.sentence(4, 14))}</li>" for _ in range(r.randint(3, 5)))
            out.append(f"<{tag}{ctx.root('list')}>{items}</{tag}>")
        elif k == "code":
            out.append(code_block(ctx))
        elif k == "table":
            out.append(data_table(ctx, r.choice(("report", "specs")), r.randint(3, 5)))
    return "".join(out)
