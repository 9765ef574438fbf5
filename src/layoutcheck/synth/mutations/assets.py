"""Material the mutations put into pages: icons, replacement words, pictures, fonts, colours."""

from __future__ import annotations

import colorsys
import random
import re
from urllib.parse import quote

#: Stroke icons in a 24×24 view box (``fill="none" stroke="currentColor"``), drawn for this project.
ICONS: dict[str, str] = {
    "check": '<path d="M5 12.5l4.5 4.5L19 7.5"/>',
    "x": '<path d="M6 6l12 12M18 6L6 18"/>',
    "plus": '<path d="M12 5v14M5 12h14"/>',
    "arrow-right": '<path d="M5 12h14M13 6l6 6-6 6"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/>',
    "bell": '<path d="M6 16V11a6 6 0 0112 0v5l1.5 2h-15z"/><path d="M10 20.5a2 2 0 004 0"/>',
    "heart": '<path d="M12 20s-7.5-4.6-7.5-10A4.2 4.2 0 0112 7.6 4.2 4.2 0 0119.5 10c0 5.4-7.5 10-7.5 10z"/>',
    "star": '<path d="M12 3.5l2.6 5.6 6 .7-4.5 4.1 1.2 6-5.3-3-5.3 3 1.2-6L3.4 9.8l6-.7z"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5c1.2-4 4-6 7.5-6s6.3 2 7.5 6"/>',
    "mail": '<rect x="3.5" y="5.5" width="17" height="13" rx="2"/><path d="M4 7l8 6 8-6"/>',
    "lock": '<rect x="5" y="10.5" width="14" height="10" rx="2"/><path d="M8 10.5V8a4 4 0 018 0v2.5"/>',
    "cloud": '<path d="M7 18.5h10a4 4 0 00.6-8A5.5 5.5 0 007 9a4.8 4.8 0 000 9.5z"/>',
    "chart": '<path d="M4 20V4M4 20h16M8 16v-4M12 16V8M16 16v-6"/>',
    "gear": '<circle cx="12" cy="12" r="3"/><path d="M12 3v3M12 18v3M3 12h3M18 12h3M5.6 5.6l2.1 2.1'
            'M16.3 16.3l2.1 2.1M5.6 18.4l2.1-2.1M16.3 7.7l2.1-2.1"/>',
    "calendar": '<rect x="4" y="5.5" width="16" height="15" rx="2"/><path d="M4 10h16M8.5 3.5v4M15.5 3.5v4"/>',
    "home": '<path d="M4 11l8-6.5 8 6.5M6.5 9.5V20h11V9.5"/>',
}

#: Ligature names an icon font shows as text when its font file fails to load.
ICON_LIGATURES = ("arrow_forward", "check_circle", "shopping_cart", "expand_more", "account_circle",
                  "notifications", "search", "settings", "favorite", "chevron_right")

#: Private Use Area code points: what icon fonts map their glyphs to; no installed font covers
#: them, so without the icon font Chromium draws tofu boxes.
PUA_GLYPHS = ("\ue5cc", "\ue8b6", "\ue87c", "\ue7fd", "\uf0c9", "\ue900", "\ue901", "\uf101")

#: Web fonts a page might ask for and not get.
MISSING_FONTS = ("Brandon Text Web", "Graphik Web", "Circular Std", "Proxima Nova", "Sohne Buch",
                 "Avenir Next LT Pro", "GT Walsheim", "Founders Grotesk")

#: Fallback stacks by look; the first that differs from the page's face is used.
FALLBACKS = {
    "serif": ("serif", '"Liberation Serif"', '"FreeSerif"', '"Noto Serif"', '"DejaVu Serif"'),
    "sans": ('"Liberation Sans"', '"FreeSans"', '"Lato"', '"Open Sans"', '"Roboto"', '"DejaVu Sans"', '"Noto Sans"'),
    "mono": ("monospace", '"Liberation Mono"', '"FreeMono"'),
}

#: Symbols used as glyph icons in text, and what an edit might put instead.
SYMBOL_SWAPS = {"★": "☆", "☆": "★", "▲": "▼", "▼": "▲", "→": "↗", "↗": "→", "✓": "✗", "✔": "✘", "✗": "✓", "•": "◦",
                "♥": "♡", "♡": "♥", "↑": "↓", "↓": "↑", "●": "○", "○": "●", "▶": "◀", "◀": "▶"}

_WORDS = """
able acid aged also area army away baby back ball band bank base bath bear beat been beer bell belt
best bill bird blow blue boat body bomb bond bone book boom born boss both bowl bulk burn bush busy
call calm came camp card care case cash cast cell chat chip city club coal coat code cold come cook
cool cope copy core cost crew crop dark data date dawn days dead deal dean dear debt deep deny desk
dial diet disc disk does done door dose down draw drew drop drug dual duke dust duty each earn ease
east easy edge else even ever evil exit face fact fail fair fall farm fast fate fear feed feel feet
fell felt file fill film find fine fire firm fish five flat flow food foot form fort four free from
fuel full fund gain game gate gave gear gene gift girl give glad goal goes gold golf gone good gray
grew grey grow gulf hair half hall hand hang hard harm hate have head hear heat held hell help here
hero high hill hire hold hole holy home hope host hour huge hung hunt hurt idea inch into iron item
jack jane jean john join jump jury just keen keep kent kept kick kill kind king knee knew know lack
lady laid lake land lane last late lead left less life lift like line link list live load loan lock
logo long look lord lose loss lost love luck made mail main make male many mark mass matt meal mean
meat meet menu mere mike mile milk mill mind mine miss mode mood moon more most move much must name
navy near neck need news next nice nick nine none nose note okay once only open oral over pace pack
page paid pain pair palm park part pass past path peak pick pink pipe plan play plot plug plus poll
pool poor port post pull pure push race rail rain rank rare rate read real rear rely rent rest rice
rich ride ring rise risk road rock role roll roof room root rose rule rush safe said sake sale salt
same sand save seat seed seek seem seen self sell send sent ship shop shot show shut sick side sign
site size skin slip slow snow soft soil sold sole some song soon sort soul spot star stay step stop
such suit sure take tale talk tall tank tape task team tech tell tend term test text than that them
then they thin this thus till time tiny told toll tone tony took tool tour town tree trip true tune
turn twin type unit upon used user vary vast very vice view vote wage wait wake walk wall want ward
warm wash wave ways weak wear week well went were west what when whom wide wife wild will wind wine
wing wire wise wish with wood word wore work yard yeah year your zero zone
add age ago aid aim air all and any arm art ask bad bag bar bed big bit box boy bus but buy can car
cat cup cut day die dog dry due eat egg end era eye far fat fee few fit fix fly for fun gap gas get
god gun guy hat her him hip his hit hot how ice ill its job joy key kid lab law lay leg let lie lip
log lot low man map may mix mom net new nor not now nut odd off oil old one our out own pan pay per
pet pop pot put ran raw red rid row run sad say sea see set she shy sit six sky son sum sun tax tea
ten the tie tip toe too top toy try two use van war way web wet who why win yes yet you
about above actor adapt added admit adopt after again agent agree ahead alarm album alert alike alive
allow alone along alter among angle angry apart apple apply arena argue arise array aside asset audio
avoid award aware badly basic basis beach begin being below bench birth black blade blame blank blind
block blood board boost booth bound brain brand bread break brief bring broad brown build built buyer
cable carry catch cause chain chair chart chase cheap check chest chief child china chose civil claim
class clean clear click clock close coach coast could count court cover craft crash cream crime cross
crowd crown curve cycle daily dance dated dealt death debut delay depth doing doubt dozen draft drama
drawn dream dress drink drive drove dying eager early earth eight elite empty enemy enjoy enter entry
equal error event every exact exist extra faith false fault fiber field fifth fifty fight final first
fixed flash fleet floor fluid focus force forth forty forum found frame frank fraud fresh front fruit
fully funny giant given glass globe going grace grade grand grant grass great green gross group grown
guard guess guest guide happy heart heavy hence horse hotel house human ideal image index inner input
issue joint judge known label large laser later laugh layer learn lease least leave legal level light
limit local logic loose lower lucky lunch major maker march match maybe mayor meant media metal might
minor minus mixed model money month moral motor mount mouse mouth movie music needs never newly night
noise north noted novel nurse occur ocean offer often order other ought paint panel paper party peace
phase phone photo piece pilot pitch place plain plane plant plate point pound power press price pride
prime print prior prize proof proud prove queen quick quiet quite radio raise range rapid ratio reach
ready refer right rival river robot rough round route royal rural scale scene scope score sense serve
seven shall shape share sharp sheet shelf shell shift shirt shock shoot short shown sight since sixth
sixty sized skill sleep slide small smart smile smoke solid solve sorry sound south space spare speak
speed spend spent split spoke sport staff stage stake stand start state steam steel stick still stock
stone stood store storm story strip stuck study stuff style sugar suite super sweet table taken taste
taxes teach teeth thank theft their theme there these thick thing think third those three threw throw
tight times tired title today topic total touch tough tower track trade train treat trend trial tried
tries truck truly trust truth twice under undue union unity until upper upset urban usage usual valid
value video virus visit vital voice waste watch water wheel where which while white whole whose woman
women world worry worse worst worth would wound write wrong wrote yield young youth
""".split()

#: Replacement words by length (copy edits keep the length within one character).
WORDS_BY_LENGTH: dict[int, tuple[str, ...]] = {}
for _w in _WORDS:
    WORDS_BY_LENGTH.setdefault(len(_w), ())
    WORDS_BY_LENGTH[len(_w)] += (_w,)

#: Long unbreakable tokens that push text out of its box.
LONG_TOKENS = (
    "https://northwind.example.com/en-us/docs/getting-started/configuration/environment-variables?ref=",
    "customer_subscription_renewal_notification_preferences_updated_at_timestamp_",
    "Donaudampfschifffahrtsgesellschaftskapitaenswitwenrentenversicherung",
    "billing-notifications+quarterly-statements@northwind-enterprise-accounts.example.org",
    "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789abcdef0123456789",
)


def match_case(word: str, like: str) -> str:
    """``word`` with the capitalisation of ``like`` (UPPER, Title or lower)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def long_token(rng: random.Random, chars: int) -> str:
    """An unbreakable token of at least ``chars`` characters."""
    base = rng.choice(LONG_TOKENS)
    while len(base) < chars:
        base += rng.choice(LONG_TOKENS).split("//")[-1]
    return base[: max(chars, 24)]


def parse_rgb(value: str) -> tuple[int, int, int, float] | None:
    """A computed colour (``rgb(...)``, ``rgba(...)``, ``color(srgb ...)``) as (r, g, b, alpha)."""
    m = re.match(r"(rgba?|color)\((srgb )?([^)]*)\)", value.strip())
    if not m:
        return None
    parts = [p for p in re.split(r"[ ,/]+", m.group(3)) if p]
    scale = 255.0 if m.group(1) == "color" else 1.0
    try:
        r, g, b = (int(round(float(p) * scale)) for p in parts[:3])
        a = float(parts[3]) if len(parts) > 3 else 1.0
    except (ValueError, IndexError):
        return None
    return r, g, b, a


def other_colour(rng: random.Random, value: str) -> str:
    """A clearly different colour of similar lightness (a design-token swap, not a shade)."""
    rgb = parse_rgb(value) or (80, 80, 80, 1.0)
    h, lum, s = colorsys.rgb_to_hls(*(c / 255 for c in rgb[:3]))
    if s < 0.15 or lum > 0.9 or lum < 0.1:  # grey, near-white or near-black: a tinted or saturated colour
        h, s = rng.random(), rng.uniform(0.5, 0.85)
        lum = rng.uniform(0.78, 0.88) if lum > 0.9 else rng.uniform(0.2, 0.32) if lum < 0.1 else min(max(lum, 0.3), 0.7)
    else:
        h = (h + rng.uniform(0.2, 0.8)) % 1.0
    r, g, b = (int(round(c * 255)) for c in colorsys.hls_to_rgb(h, lum, s))
    return f"rgb({r}, {g}, {b})"


def picture_svg(rng: random.Random, w: int, h: int) -> str:
    """A different picture for an image box: a gradient sky, hills and a sun, or a bar chart."""
    w, h = max(w, 8), max(h, 8)
    hue = rng.random()

    def col(dh: float, lum: float, sat: float = 0.55) -> str:
        r, g, b = (int(c * 255) for c in colorsys.hls_to_rgb((hue + dh) % 1, lum, sat))
        return f"#{r:02x}{g:02x}{b:02x}"

    if rng.random() < 0.5:  # a landscape: sky gradient, sun, two hills
        sun = (w * rng.uniform(0.6, 0.85), h * rng.uniform(0.2, 0.35), min(w, h) * 0.12)
        body = (f'<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
                f'<stop offset="0" stop-color="{col(0, 0.8)}"/><stop offset="1" stop-color="{col(0.05, 0.6)}"/>'
                f'</linearGradient></defs><rect width="{w}" height="{h}" fill="url(#g)"/>'
                f'<circle cx="{sun[0]:.0f}" cy="{sun[1]:.0f}" r="{sun[2]:.0f}" fill="{col(0.15, 0.7, 0.9)}"/>'
                f'<path d="M0 {h * 0.7:.0f} Q{w * 0.3:.0f} {h * 0.45:.0f} {w * 0.55:.0f} {h * 0.68:.0f} '
                f'T{w} {h * 0.6:.0f} V{h} H0z" fill="{col(0.35, 0.35)}"/>'
                f'<path d="M0 {h * 0.85:.0f} Q{w * 0.4:.0f} {h * 0.7:.0f} {w} {h * 0.82:.0f} V{h} H0z" '
                f'fill="{col(0.4, 0.25)}"/>')
    else:  # a bar chart
        n = rng.randint(4, 9)
        bars = "".join(
            f'<rect x="{w * (0.1 + 0.8 * k / n):.0f}" y="{h * (0.85 - v):.0f}" width="{w * 0.6 / n:.0f}" '
            f'height="{h * v:.0f}" rx="2" fill="{col(0.02 * k, 0.5)}"/>'
            for k, v in enumerate(rng.uniform(0.15, 0.7) for _ in range(n)))
        body = (f'<rect width="{w}" height="{h}" fill="{col(0.5, 0.96, 0.3)}"/>{bars}'
                f'<path d="M{w * 0.08:.0f} {h * 0.85:.0f}H{w * 0.92:.0f}" stroke="{col(0, 0.3)}" stroke-width="2"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            f'preserveAspectRatio="none">{body}</svg>')


def svg_data_url(svg: str) -> str:
    """An SVG document as a ``data:`` URL."""
    return "data:image/svg+xml," + quote(svg, safe=" =:/(),.-")


def icon_svg(name: str, colour: str, size: int) -> str:
    """A standalone SVG document of one of :data:`ICONS`."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 24 24" fill="none" '
            f'stroke="{colour}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{ICONS[name]}</svg>')
