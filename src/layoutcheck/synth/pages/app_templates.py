"""Templates of apps and shops: dashboard, settings, table report, shop grid, product, form."""

from __future__ import annotations

from layoutcheck.synth.pages import blocks as b
from layoutcheck.synth.pages import components as c
from layoutcheck.synth.pages import sections as s
from layoutcheck.synth.pages import svg
from layoutcheck.synth.pages.context import PageContext
from layoutcheck.synth.pages.site_templates import site_links
from layoutcheck.synth.pages.text import esc

_APP_KEYS = ("dashboard", "analytics", "customers", "orders", "products", "messages", "reports", "team", "billing", "settings")


def _shell(ctx: PageContext, brand: str, active_key: str, main: str) -> str:
    """An app: a sidebar beside the main column, or a top navigation bar above it."""
    keys = [k for k in _APP_KEYS if k != active_key]
    keys = ctx.rng.sample(keys, ctx.rng.randint(4, 7))
    keys.insert(ctx.rng.randint(0, 2), active_key)
    if ctx.pick("shell", ("sidebar", "topnav"), (0.65, 0.35)) == "sidebar":
        ctx.need("app", b.APP_CSS)
        return (f'<div class="app" data-lc-container>{b.app_sidebar(ctx, brand, keys, keys.index(active_key))}'
                f'<main class="main">{main}</main></div>')
    labels = [ctx.t.ui(k) for k in keys[:5]]
    active = keys.index(active_key) if active_key in keys[:5] else -1
    nav = s.navbar(ctx, brand, labels, active, ["search", "bell", "avatar"], sticky=True)
    return f'{nav}<main class="container" style="padding-block:var(--s5)">{main}</main>'


def dashboard(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("tpl-dash", ".dash-2{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:var(--s4);margin-top:var(--s4)}"
                         "@media (max-width:1100px){.dash-2{grid-template-columns:minmax(0,1fr)}}")
    ctx.need("form", c.FORM_CSS)
    search = f'<input class="input" type="search" style="max-width:240px" placeholder="{esc(t.ui("search"))}…">'
    top = b.topline(ctx, f'{t.ui("welcome_back")}, {t.name().split(" ")[0]}' if r.random() < 0.4 else t.ui("dashboard"),
                    [search, c.button(ctx, t.ui("export"), "secondary", "", "download"), c.button(ctx, t.ui("new_item"), "", "", "plus")])
    alert = c.alert(ctx, "warn", None, t.ui("warning_text")) + '<div style="height:var(--s4)"></div>' if r.random() < 0.3 else ""
    tiles = [t.ui(k) for k in ("revenue", "orders", "users", "conversion", "sessions")]
    n = r.choice((3, 4))
    grid = f'<div class="grid g{n}" data-lc-container>{"".join(b.stat_tile(ctx, x) for x in tiles[:n])}</div>'
    side = b.chart_card(ctx, t.ui("overview"), "donut") if r.random() < 0.5 else (
        f'<div class="card"{ctx.root("card")}><div class="card-head"><h3>{esc(t.ui("recent_activity"))}</h3>'
        f'<a href="#">{esc(t.ui("view_all"))}</a></div><div class="card-body">{b.activity(ctx, r.randint(3, 5))}</div></div>')
    row = f'<div class="dash-2" data-lc-container>{b.chart_card(ctx, t.ui("revenue"), r.choice(("bar", "line", "area")))}{side}</div>'
    table = (f'<div class="card" style="margin-top:var(--s4)"{ctx.root("card")}><div class="card-head"><h3>{esc(t.ui("orders"))}</h3>'
             f'<a href="#">{esc(t.ui("view_all"))}</a></div>{b.data_table(ctx, "orders", r.randint(4, 7))}</div>')
    table = table.replace('class="table-wrap"', 'class="table-wrap" style="border:0;border-radius:0"', 1)
    return _shell(ctx, brand, "dashboard", top + alert + grid + row + table) + s.overlays(ctx)


def table_report(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("form", c.FORM_CSS)
    ctx.need("tpl-report", ".filters{display:flex;flex-wrap:wrap;gap:var(--s2);align-items:center;margin:var(--s4) 0}"
                           ".filters .input{width:auto;max-width:100%}.filters .grow{flex:1 1 220px}"
                           ".tfoot{display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:var(--s3)}"
                           ".tfoot .pager{margin-top:var(--s3)}")
    kind = r.choice(("orders", "users", "report", "invoices"))
    title = t.ui({"orders": "orders", "users": "users", "report": "reports", "invoices": "billing"}[kind])
    top = b.topline(ctx, title, [c.select(ctx, None, [t.ui("this_month"), t.ui("yearly")]),
                                 c.button(ctx, t.ui("export"), "secondary", "", "download")])
    tiles = ""
    if r.random() < 0.6:
        n = r.choice((3, 4))
        tiles = f'<div class="grid g{n}" data-lc-container>{"".join(b.stat_tile(ctx, t.label()) for _ in range(n))}</div>'
    tabs = c.tabs(ctx, [t.ui("all"), t.ui("active"), t.ui("pending"), t.ui("failed")], 0) if r.random() < 0.6 else ""
    filters = (f'<div class="filters"{ctx.root("toolbar", container=True)}><input class="input grow" type="search" '
               f'placeholder="{esc(t.ui("search"))}…">{c.select(ctx, None, [t.ui("status"), t.ui("active"), t.ui("pending")])}'
               f'{c.select(ctx, None, [t.ui("sort_by"), t.ui("date"), t.ui("amount")])}{c.button(ctx, t.ui("filter"), "ghost", "", "filter")}</div>')
    rows = r.randint(8, 13)
    total = r.randint(rows + 1, 2400)
    foot = (f'<div class="tfoot"><span class="muted">{esc(t.ui("showing"))} {t.digits("1")}–{t.digits(str(rows))} '
            f'{esc(t.ui("of"))} {esc(t.number(total))} {esc(t.ui("results"))}</span>{c.pagination(ctx, (total + rows - 1) // rows, 1)}</div>')
    note = f'<p class="muted" style="margin-top:var(--s4);font-size:.85em">* {esc(t.sentence(8, 20))}</p>' if r.random() < 0.5 else ""
    main = top + tiles + tabs + filters + b.data_table(ctx, kind, rows) + foot + note
    return _shell(ctx, brand, r.choice(("reports", "orders", "customers")), main)


def settings(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("form", c.FORM_CSS)
    ctx.need("tpl-settings", ".set-layout{display:grid;grid-template-columns:220px minmax(0,1fr);gap:var(--s5);align-items:start}"
                             ".set-nav a{display:flex;gap:var(--s2);align-items:center;padding:var(--s2) var(--s3);color:var(--text);"
                             "border-radius:var(--rs)}.set-nav a.on{background:var(--surface-2);font-weight:600}"
                             ".set-sec{margin-bottom:var(--s4)}.set-sec .card-body>*+*{margin-top:var(--s4)}"
                             ".set-sec h3{margin:0}.set-sec .desc{color:var(--muted);margin:4px 0 0;font-size:.92em}"
                             ".danger{border:1px solid var(--bad)}"
                             ".savebar{display:flex;justify-content:flex-end;gap:var(--s2);padding:var(--s3) 0;"
                             "background:var(--bg);border-top:1px solid var(--border)}"
                             ".upload{display:flex;gap:var(--s3);align-items:center;flex-wrap:wrap}"
                             "@media (max-width:900px){.set-layout{grid-template-columns:minmax(0,1fr)}.set-nav{display:flex;flex-wrap:wrap}}")
    keys = ["profile", "account", "notifications", "security", "billing", "team"]
    nav = "".join(f'<a href="#"{" class=on" if i == 0 else ""}>{svg.icon(ic, 18)}{esc(t.ui(k))}</a>'
                  for i, (k, ic) in enumerate(zip(keys, ("user", "settings", "bell", "lock", "dollar", "users"), strict=True)))
    name = t.name()
    first, last = name.split(" ", 1)

    def sec(title: str, body: str, cls: str = "") -> str:
        return (f'<section class="card set-sec {cls}"{ctx.root("form")}><div class="card-body"><div><h3>{esc(title)}</h3>'
                f'<p class="desc">{esc(t.sentence(6, 14))}</p></div>{body}</div></section>')

    err = r.random() < 0.25
    profile = sec(t.ui("profile"), f'<div class="upload">{c.avatar(ctx, name, 64)}{c.button(ctx, t.ui("edit"), "secondary", "sm")}'
                  f'{c.button(ctx, t.ui("delete"), "ghost", "sm")}</div><div class="form-grid" data-lc-container>'
                  f'{c.field(ctx, t.ui("first_name"), "text", value=first)}{c.field(ctx, t.ui("last_name"), "text", value=last)}'
                  f'{c.field(ctx, t.ui("email"), "email", value="" if err else t.email(), error=t.ui("invalid_email") if err else None, cls="full")}'
                  f'{c.field(ctx, t.ui("about_me"), "textarea", t.sentence(5, 9), hint=t.sentence(4, 8), cls="full")}</div>')
    notif = sec(t.ui("notifications"), "".join(
        c.switch(ctx, t.ui(k), t.sentence(4, 9) if r.random() < 0.6 else None, r.random() < 0.5)
        for k in ("email_notif", "push_notif", "weekly_digest")))
    prefs = sec(t.ui("appearance"), f'<div class="form-grid" data-lc-container>'
                f'{c.select(ctx, t.ui("language"), ["English", "Deutsch", "Français", "Español", "Polski", "Русский", "Ελληνικά", "العربية"])}'
                f'{c.select(ctx, t.ui("timezone"), ["UTC+01:00 Europe/Berlin", "UTC−05:00 America/New_York", "UTC+03:00 Asia/Riyadh"])}</div>'
                f'<div class="row wrap" data-lc-container>{c.check(ctx, t.ui("dark_mode"), ctx.theme.dark, True, "theme")}'
                f'{c.check(ctx, "Light", not ctx.theme.dark, True, "theme")}{c.check(ctx, "Auto", False, True, "theme")}</div>')
    security = sec(t.ui("security"), c.switch(ctx, t.ui("two_factor"), t.sentence(5, 10), r.random() < 0.5))
    danger = sec(t.ui("danger_zone"), f'<div>{c.button(ctx, t.ui("delete_account"), "danger")}</div>', "danger")
    sections = [profile, notif, prefs, security]
    r.shuffle(sections)
    body = "".join(sections[: r.randint(2, 4)]) + (danger if r.random() < 0.5 else "")
    ok = c.alert(ctx, "ok", None, t.ui("saved_ok")) + '<div style="height:var(--s4)"></div>' if r.random() < 0.3 else ""
    save = (f'<div class="savebar" data-lc-container>{c.button(ctx, t.ui("cancel"), "secondary")}{c.button(ctx, t.ui("save"))}</div>')
    main = (b.topline(ctx, t.ui("settings"), []) + f'<div class="set-layout" data-lc-container><nav class="set-nav"{ctx.root("sidebar")}>'
            f'{nav}</nav><div>{ok}{body}{save}</div></div>')
    return _shell(ctx, brand, "settings", main)


def shop_grid(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("form", c.FORM_CSS)
    ctx.need("tpl-shop", ".shop{display:grid;grid-template-columns:250px minmax(0,1fr);gap:var(--s5);align-items:start}"
                         ".filters-side h4{margin:var(--s4) 0 var(--s2)}.filters-side .check{margin:6px 0}"
                         ".swatches{display:flex;flex-wrap:wrap;gap:8px}.swatches i{width:24px;height:24px;border-radius:50%;"
                         "border:2px solid var(--surface);box-shadow:0 0 0 1px var(--border)}"
                         ".range{display:flex;gap:var(--s2);align-items:center}.range .input{min-width:0}"
                         ".shop-top{display:flex;gap:var(--s3);align-items:center;justify-content:space-between;flex-wrap:wrap;margin-bottom:var(--s4)}"
                         ".shop-top .input{width:auto}"
                         "@media (max-width:900px){.shop{grid-template-columns:minmax(0,1fr)}.filters-side{display:none}}")
    groups = []
    for _ in range(r.randint(2, 3)):
        checks = "".join(c.check(ctx, f"{t.label()} ({t.digits(str(r.randint(1, 140)))})", r.random() < 0.25) for _ in range(r.randint(3, 5)))
        groups.append(f"<h4>{esc(t.label())}</h4>{checks}")
    swatches = "".join(f'<i style="background:{col}"></i>' for col in ctx.theme.palette)
    price = (f'<h4>{esc(t.ui("price"))}</h4><div class="range"><input class="input" type="number" placeholder="{t.digits("0")}">'
             f'<span>–</span><input class="input" type="number" placeholder="{t.digits(str(r.choice((100, 500, 1000))))}"></div>')
    side = (f'<aside class="filters-side"{ctx.root("sidebar")}><h3>{esc(t.ui("filter"))}</h3>{"".join(groups)}'
            f'<h4>{esc(t.ui("color"))}</h4><div class="swatches">{swatches}</div>{price}'
            f'<div class="btn-row" style="margin-top:var(--s4)">{c.button(ctx, t.ui("apply"), "", "sm")}{c.button(ctx, t.ui("reset"), "ghost", "sm")}</div></aside>')
    cols = r.choice((3, 4))
    n = cols * r.choice((2, 3)) if cols == 3 else cols * 2
    compact = cols == 4
    ctx.need("shop-cols", f".products{{display:grid;grid-template-columns:repeat({cols},minmax(0,1fr));gap:var(--s4)}}"
                          "@media (max-width:1100px){.products{grid-template-columns:repeat(3,minmax(0,1fr))}}"
                          "@media (max-width:767px){.products{grid-template-columns:repeat(2,minmax(0,1fr));gap:var(--s2)}}")
    products = f'<div class="products" data-lc-container>{"".join(b.product_card(ctx, compact) for _ in range(n))}</div>'
    count = t.number(r.randint(n, 3000))
    top = (f'<div class="shop-top"{ctx.root("toolbar", container=True)}><div><h1 style="margin:0;font-size:var(--h2)" data-lc="text">{esc(t.title(1, 3))}</h1>'
           f'<span class="muted">{esc(count)} {esc(t.ui("results"))}</span></div>'
           f'{c.select(ctx, None, [t.ui("sort_by") + ": " + t.ui("popular"), t.ui("price"), t.ui("new")])}</div>')
    promo = ""
    if r.random() < 0.35:
        promo = c.alert(ctx, "info", None, f'{t.ui("free_shipping")} {t.price(r.choice((49, 50, 75, 100)))}') + '<div style="height:var(--s4)"></div>'
    return (s.navbar(ctx, brand, [t.ui("shop")] + [t.label() for _ in range(r.randint(2, 4))], 0, ["search", "signin"], cart=True)
            + f'<main class="container" style="padding-block:var(--s5)">{c.breadcrumbs(ctx, 3)}<div style="height:var(--s4)"></div>{promo}'
            + f'<div class="shop" data-lc-container>{side}<div>{top}{products}{c.pagination(ctx)}</div></div></main>'
            + s.footer(ctx, brand) + s.overlays(ctx))


def product(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("form", c.FORM_CSS)
    ctx.need("cards", b.CARDS_CSS)
    ctx.need("tpl-product", ".pdp{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:var(--s6);align-items:start}"
                            ".thumbs{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:var(--s2);margin-top:var(--s2)}"
                            ".thumbs .media{outline-offset:2px}.thumbs .media.sel{outline:2px solid var(--accent)}"
                            ".pdp h1{font-size:var(--h2);margin:var(--s1) 0 var(--s2)}"
                            ".pdp .price{font-size:calc(var(--h2) * 1.05);margin:var(--s3) 0}"
                            ".opts{display:flex;flex-wrap:wrap;gap:var(--s2);margin:var(--s2) 0 var(--s4)}"
                            ".opts a{min-width:44px;padding:6px 12px;text-align:center;border:1px solid var(--border);border-radius:var(--rs);color:var(--text)}"
                            ".opts a.on{border-color:var(--accent);box-shadow:inset 0 0 0 1px var(--accent)}.opts a.off{opacity:.4;text-decoration:line-through}"
                            ".opts i{width:30px;height:30px;border-radius:50%;box-shadow:0 0 0 1px var(--border)}"
                            ".opts i.on{box-shadow:0 0 0 2px var(--bg),0 0 0 4px var(--accent)}"
                            ".buy{display:flex;gap:var(--s2);flex-wrap:wrap}.buy .input{width:80px}.buy .btn{flex:1 1 180px}"
                            ".perks{list-style:none;padding:0;margin:var(--s4) 0 0;font-size:.92em}.perks li{display:flex;gap:var(--s2);margin:8px 0}"
                            ".review{padding:var(--s3) 0;border-bottom:1px solid var(--border)}"
                            "@media (max-width:900px){.pdp{grid-template-columns:minmax(0,1fr)}}")
    art = r.choice(("product", "blobs", None))
    how = r.choice(("inline", "photo", "svg-img"))
    gallery = c.image(ctx, 640, 640, how, art=art) + '<div class="thumbs" data-lc-container>' + "".join(
        c.image(ctx, 160, 160, how, cls="sel" if i == 0 else "", art=art) for i in range(4)) + "</div>"
    value = t.money_value(15, 900)
    sale = r.random() < 0.35
    old = f"<s>{esc(t.price(value * 1.25))}</s>" if sale else ""
    sizes = "".join(f'<a href="#" class="{"on" if i == 1 else ("off" if r.random() < 0.2 else "")}">{x}</a>'
                    for i, x in enumerate(r.choice((("XS", "S", "M", "L", "XL"), ("36", "38", "40", "42", "44", "46"), ("64 GB", "128 GB", "256 GB")))))
    colours = "".join(f'<i class="{"on" if i == 0 else ""}" style="background:{col}"></i>' for i, col in enumerate(ctx.theme.palette[:4]))
    stock = c.badge(ctx, t.ui("in_stock"), "ok") if r.random() < 0.8 else c.badge(ctx, t.ui("out_of_stock"), "bad")
    perks = "".join(f"<li>{svg.icon(ic, 18)}<span>{esc(txt)}</span></li>" for ic, txt in (
        ("truck", f'{t.ui("free_shipping")} {t.price(r.choice((49, 50, 99)))}'), ("shield", t.sentence(3, 7)), ("clock", t.sentence(3, 6))))
    info = (f'<div{ctx.root("product-info")}><small class="muted">{esc(t.brand())}</small><h1 data-lc="text">{esc(t.title(2, 6))}</h1>'
            f'<div class="meta">{c.stars(ctx, r.choice((3.5, 4, 4.5)))}<a href="#">{t.digits(str(r.randint(3, 900)))} {esc(t.ui("reviews"))}</a>{stock}</div>'
            f'<div class="price" data-lc="price">{esc(t.price(value))}{old}</div><p data-lc="text">{esc(t.paragraph(1, 2))}</p>'
            f'<b>{esc(t.ui("size"))}</b><div class="opts" data-lc-container>{sizes}</div>'
            f'<b>{esc(t.ui("color"))}</b><div class="opts" data-lc-container>{colours}</div>'
            f'<div class="buy" data-lc-container><input class="input" type="number" value="1" aria-label="{esc(t.ui("quantity"))}">'
            f'{c.button(ctx, t.ui("add_to_cart"), "", "lg", "cart")}{c.button(ctx, "", "secondary", "lg", "heart")}</div>'
            f'<ul class="perks">{perks}</ul></div>')
    which = r.randrange(3)
    tabs = c.tabs(ctx, [t.ui("description"), t.ui("specifications"), t.ui("reviews")], which)
    if which == 0:
        detail = f'<div class="prose" style="margin-top:var(--s4)"><p>{esc(t.paragraph(3, 5))}</p><p>{esc(t.paragraph(2, 4))}</p></div>'
    elif which == 1:
        detail = f'<div style="margin-top:var(--s4);max-width:760px">{b.data_table(ctx, "specs", r.randint(5, 8))}</div>'
    else:
        revs = []
        for _ in range(r.randint(2, 3)):
            name = t.name()
            revs.append(f'<div class="review"{ctx.root("review")}><div class="meta">{c.avatar(ctx, name, 32)}<b>{esc(name)}</b>'
                        f'{c.stars(ctx, r.choice((3, 4, 5)))}<span>{esc(t.date())}</span></div><p style="margin:var(--s2) 0 0">{esc(t.paragraph(1, 3))}</p></div>')
        detail = "".join(revs)
    related = ""
    if r.random() < 0.6:
        related = (f'<section class="section" style="padding-bottom:0"><h2>{esc(t.ui("related"))}</h2><div class="grid g4" data-lc-container>'
                   f'{"".join(b.product_card(ctx, True) for _ in range(4))}</div></section>')
    return (s.navbar(ctx, brand, [t.ui("shop")] + [t.label() for _ in range(r.randint(2, 4))], 0, ["search"], cart=True)
            + f'<main class="container" style="padding-block:var(--s5)">{c.breadcrumbs(ctx, 4)}<div style="height:var(--s4)"></div>'
            + f'<div class="pdp" data-lc-container><div{ctx.root("gallery")}>{gallery}</div>{info}</div>'
            + f'<div style="margin-top:var(--s6)">{tabs}{detail}</div>{related}</main>'
            + s.footer(ctx, brand) + s.overlays(ctx))


def form(ctx: PageContext, brand: str) -> str:
    t, r = ctx.t, ctx.rng
    ctx.need("form", c.FORM_CSS)
    ctx.need("tpl-form", ".auth{max-width:440px;margin:var(--s6) auto}.auth h1{font-size:var(--h2);text-align:center}"
                         ".auth .card-body>*+*{margin-top:var(--s3)}.divider{display:flex;align-items:center;gap:var(--s2);color:var(--muted);"
                         "font-size:.85em}.divider::before,.divider::after{content:\"\";flex:1;border-top:1px solid var(--border)}"
                         ".split-auth{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);min-height:calc(100vh - 64px)}"
                         ".split-auth>.media{border-radius:0;height:100%}"
                         ".checkout{display:grid;grid-template-columns:minmax(0,1.5fr) minmax(0,1fr);gap:var(--s6);align-items:start}"
                         ".checkout fieldset{border:0;padding:0;margin:0 0 var(--s5)}.checkout legend{font-weight:700;font-size:1.1em;margin-bottom:var(--s3)}"
                         ".summary .line{display:flex;justify-content:space-between;gap:var(--s3);padding:6px 0}"
                         ".summary .item{display:flex;gap:var(--s3);align-items:center;padding:var(--s2) 0;border-bottom:1px solid var(--border)}"
                         ".summary .item .media{width:56px;flex-shrink:0}.summary .tot{font-weight:800;font-size:1.15em;border-top:1px solid var(--border);margin-top:var(--s2);padding-top:var(--s2)}"
                         ".contact{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.4fr);gap:var(--s6)}"
                         ".contact ul{list-style:none;padding:0}.contact li{display:flex;gap:var(--s3);margin:var(--s3) 0}"
                         "@media (max-width:900px){.split-auth,.checkout,.contact{grid-template-columns:minmax(0,1fr)}.split-auth>.media{display:none}}")
    variant = ctx.pick("form", ("signup", "login", "checkout", "contact"))
    err = r.random() < 0.3
    nav = s.navbar(ctx, brand, site_links(ctx, 2, 4), -1, ["signin"] if variant != "login" else [])
    if variant in ("signup", "login"):
        fields = []
        if variant == "signup":
            fields.append(c.field(ctx, t.ui("full_name"), "text", t.name()))
        fields.append(c.field(ctx, t.ui("email"), "email", t.email(), error=t.ui("invalid_email") if err else None,
                              value="name@" if err else ""))
        fields.append(c.field(ctx, t.ui("password"), "password", "••••••••", hint=t.sentence(4, 9) if variant == "signup" else None))
        checks = c.check(ctx, t.ui("agree_terms"), r.random() < 0.5) if variant == "signup" else (
            f'<div class="row" style="justify-content:space-between">{c.check(ctx, t.ui("remember_me"), True)}<a href="#">{esc(t.ui("forgot"))}</a></div>')
        social = (f'<div class="divider">{esc(t.ui("or"))}</div><div class="grid g2" style="gap:var(--s2)">'
                  f'{c.button(ctx, "Google", "secondary", "", "globe")}{c.button(ctx, "GitHub", "secondary", "", "code")}</div>') if r.random() < 0.6 else ""
        title = t.ui("create_account") if variant == "signup" else t.ui("welcome_back")
        alert = c.alert(ctx, "bad", None, t.ui("invalid_email")) if err and r.random() < 0.5 else ""
        card = (f'<form class="card"{ctx.root("form")}><div class="card-body" style="padding:var(--s5)"><h1 data-lc="text">{esc(title)}</h1>'
                f'<p class="muted" style="text-align:center">{esc(t.sentence(5, 10))}</p>{alert}{"".join(fields)}{checks}'
                f'<button class="btn lg" style="width:100%" type="submit" data-lc="button">{esc(t.ui("sign_up" if variant == "signup" else "sign_in"))}</button>'
                f'{social}</div></form>')
        if r.random() < 0.45:
            body = (f'<div class="split-auth" data-lc-container>{c.image(ctx, 720, 900)}<div class="container" style="width:100%">'
                    f'<div class="auth">{card}</div></div></div>')
            return nav + f"<main>{body}</main>"
        return nav + f'<main class="container"><div class="auth">{card}</div></main>' + s.footer(ctx, brand)
    if variant == "checkout":
        countries = ["Deutschland", "France", "España", "Polska", "United Kingdom", "Ελλάδα", "Россия", "السعودية"]
        contact = (f'<fieldset{ctx.root("fieldset")}><legend>{esc(t.ui("email"))}</legend>{c.field(ctx, t.ui("email"), "email", t.email())}'
                   f'<div style="height:var(--s2)"></div>{c.check(ctx, t.ui("newsletter_opt"), True)}</fieldset>')
        ship = (f'<fieldset{ctx.root("fieldset")}><legend>{esc(t.ui("shipping"))}</legend><div class="form-grid" data-lc-container>'
                f'{c.field(ctx, t.ui("first_name"), "text")}{c.field(ctx, t.ui("last_name"), "text")}'
                f'{c.field(ctx, t.ui("address"), "text", cls="full", error=t.ui("required") if err else None)}'
                f'{c.field(ctx, t.ui("zip"), "text")}{c.field(ctx, t.ui("city"), "text", t.city())}'
                f'{c.select(ctx, t.ui("country"), countries)}{c.field(ctx, t.ui("phone"), "tel", t.phone())}</div></fieldset>')
        pay = (f'<fieldset{ctx.root("fieldset")}><legend>{esc(t.ui("billing"))}</legend>'
               + "".join(c.check(ctx, x, i == 0, True, "pay") for i, x in enumerate(("Visa •••• 4242", "PayPal", "SEPA", t.ui("invoice"))))
               + "</fieldset>")
        items = []
        sub = 0.0
        for _ in range(r.randint(2, 3)):
            v = t.money_value(9, 300)
            sub += v
            items.append(f'<div class="item">{c.image(ctx, 112, 112)}<div style="flex:1;min-width:0">{esc(t.title(2, 4))}'
                         f'<br><small>{esc(t.ui("quantity"))}: {t.digits("1")}</small></div><b>{esc(t.price(v))}</b></div>')
        ship_cost = r.choice((0.0, 4.99, 9.9))
        lines = (f'<div class="line"><span>{esc(t.ui("subtotal"))}</span><span>{esc(t.price(sub, 2))}</span></div>'
                 f'<div class="line"><span>{esc(t.ui("shipping"))}</span><span>{esc(t.price(ship_cost, 2) if ship_cost else t.ui("free"))}</span></div>'
                 f'<div class="line tot"><span>{esc(t.ui("total"))}</span><span>{esc(t.price(sub + ship_cost, 2))}</span></div>')
        summary = (f'<aside class="card summary"{ctx.root("card")}><div class="card-body"><h3>{esc(t.ui("order"))}</h3>{"".join(items)}{lines}'
                   f'<button class="btn lg" style="width:100%;margin-top:var(--s4)" type="submit" data-lc="button">{esc(t.ui("checkout"))}</button></div></aside>')
        body = (f'<h1 data-lc="text">{esc(t.ui("checkout"))}</h1>{c.breadcrumbs(ctx, 3)}<div style="height:var(--s5)"></div>'
                f'<div class="checkout" data-lc-container><form{ctx.root("form")}>{contact}{ship}{pay}</form>{summary}</div>')
        return nav + f'<main class="container section">{body}</main>' + s.footer(ctx, brand)
    info = "".join(f"<li>{svg.icon(ic, 20)}<div><b>{esc(lab)}</b><br><span class='muted'>{esc(val)}</span></div></li>" for ic, lab, val in (
        ("mail", "Email", t.email(t.domain(brand))), ("message", t.ui("phone"), t.phone()), ("map-pin", t.ui("address"), t.city())))
    form_html = (f'<form class="card"{ctx.root("form")}><div class="card-body" style="padding:var(--s5)"><div class="form-grid" data-lc-container>'
                 f'{c.field(ctx, t.ui("first_name"), "text")}{c.field(ctx, t.ui("last_name"), "text")}'
                 f'{c.field(ctx, t.ui("email"), "email", t.email(), cls="full", error=t.ui("invalid_email") if err else None)}'
                 f'{c.select(ctx, t.ui("category"), [t.label() for _ in range(4)], cls="full")}'
                 f'{c.field(ctx, t.ui("message"), "textarea", t.sentence(4, 8), cls="full")}</div><div style="height:var(--s3)"></div>'
                 f'{c.check(ctx, t.ui("agree_terms"), False)}<div style="height:var(--s4)"></div>{c.button(ctx, t.ui("submit"), "", "lg")}</div></form>')
    body = (f'<div class="contact" data-lc-container><div><span class="eyebrow">{esc(t.ui("contact"))}</span><h1 data-lc="text">{esc(t.title(2, 6))}</h1>'
            f'<p class="lead">{esc(t.sentence(10, 20))}</p><ul{ctx.root("list")}>{info}</ul></div>{form_html}</div>')
    return nav + f'<main class="container section">{body}</main>' + s.footer(ctx, brand) + s.overlays(ctx)
