"""Page themes: colours, fonts, type scale, spacing, radii, shadows, and the base stylesheet."""

from __future__ import annotations

import colorsys
import random
from dataclasses import asdict, dataclass

#: Installed font families (Debian packages fonts-dejavu, fonts-liberation, fonts-noto-core,
#: fonts-freefont-ttf, fonts-open-sans, fonts-roboto, fonts-lato), with their generic fallback.
SANS_FONTS = ("DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans", "Open Sans", "Roboto", "Lato")
SERIF_FONTS = ("DejaVu Serif", "Liberation Serif", "Noto Serif", "FreeSerif")
DISPLAY_FONTS = ("Roboto Condensed", "Noto Serif Display", "Noto Sans Display", "Liberation Sans Narrow")
MONO_FONTS = ("DejaVu Sans Mono", "Liberation Mono", "FreeMono")
ARABIC_FONTS = ("Noto Sans Arabic", "Noto Naskh Arabic", "Noto Kufi Arabic")


@dataclass(frozen=True)
class Theme:
    """Everything visual that a page shares across its components."""

    name: str
    dark: bool
    hue: int
    bg: str
    surface: str
    surface2: str
    text: str
    muted: str
    border: str
    accent: str
    accent_hover: str
    on_accent: str
    accent_soft: str
    accent2: str
    success: str
    warning: str
    danger: str
    palette: tuple[str, ...]  # illustration colours
    font_body: str
    font_head: str
    font_mono: str
    base_size: int  # px
    line_height: float
    head_weight: int
    head_scale: float  # ratio of the type scale
    letter_spacing: str
    unit: int  # spacing unit, px
    density: str  # dense | normal | airy
    radius: int  # px
    button_radius: int
    shadow: str
    border_width: int
    container: int  # max content width, px
    button_style: str  # solid | outline | soft | pill
    card_style: str  # border | shadow | flat | elevated
    nav_style: str  # plain | accent | dark | blur
    link_underline: bool
    uppercase_labels: bool

    def params(self) -> dict[str, object]:
        """JSON-serialisable description for :attr:`GeneratedPage.params`."""
        out = asdict(self)
        out["palette"] = list(self.palette)
        return out


def hsl(h: float, s: float, lum: float) -> str:
    """CSS hex colour of hue (degrees), saturation and lightness (0..1)."""
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360, lum, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _stack(family: str, generic: str) -> str:
    return f'"{family}", {generic}'


def make_theme(rng: random.Random, lang: str) -> Theme:
    """Draw a theme: light or dark, an accent hue, fonts that cover ``lang``, sizes and shapes."""
    dark = rng.random() < 0.28
    hue = rng.randrange(360)
    sat = rng.uniform(0.45, 0.85)
    tint = rng.uniform(0.0, 0.35)
    if dark:
        bg = hsl(hue, tint * 0.6, rng.uniform(0.05, 0.11))
        surface = hsl(hue, tint * 0.6, rng.uniform(0.12, 0.17))
        surface2 = hsl(hue, tint * 0.5, rng.uniform(0.18, 0.23))
        text = hsl(hue, 0.1, rng.uniform(0.88, 0.96))
        muted = hsl(hue, 0.1, rng.uniform(0.6, 0.7))
        border = hsl(hue, tint * 0.5, rng.uniform(0.22, 0.3))
        accent_l = rng.uniform(0.55, 0.68)
    else:
        bg_l = rng.choice((1.0, 1.0, 0.985, 0.97))
        bg = hsl(hue, tint, bg_l)
        surface = "#ffffff" if bg_l < 1.0 or rng.random() < 0.7 else hsl(hue, tint, 0.975)
        surface2 = hsl(hue, tint + 0.1, rng.uniform(0.93, 0.96))
        text = hsl(hue, rng.uniform(0.05, 0.3), rng.uniform(0.08, 0.2))
        muted = hsl(hue, rng.uniform(0.05, 0.15), rng.uniform(0.4, 0.5))
        border = hsl(hue, tint * 0.8, rng.uniform(0.84, 0.9))
        accent_l = rng.uniform(0.38, 0.52)
    accent = hsl(hue, sat, accent_l)
    accent_hover = hsl(hue, sat, accent_l - 0.07)
    on_accent = "#ffffff" if accent_l < 0.6 else "#111111"
    accent_soft = hsl(hue, sat * 0.8, 0.2 if dark else 0.94)
    hue2 = (hue + rng.choice((30, 150, 180, 210, -40))) % 360
    accent2 = hsl(hue2, sat, accent_l + 0.05)
    palette = tuple(hsl(hue + d, sat * rng.uniform(0.6, 1.0), rng.uniform(0.45, 0.75))
                    for d in (0, 25, -25, 160, 200, 60))

    if lang == "ar":
        ar = rng.choice(ARABIC_FONTS)
        latin = rng.choice(("DejaVu Sans", "Noto Sans", "Liberation Sans"))
        body_family = head_family = ar
        font_body = f'"{ar}", "{latin}", sans-serif'
        font_head = f'"{rng.choice(ARABIC_FONTS)}", "{latin}", sans-serif'
    else:
        kind = rng.choices(("sans", "serif", "mixed"), (0.6, 0.15, 0.25))[0]
        if kind == "serif":
            body_family = rng.choice(SERIF_FONTS)
            head_family = rng.choice(SERIF_FONTS + ("Noto Serif Display",))
        else:
            body_family = rng.choice(SANS_FONTS)
            head_family = body_family if kind == "sans" else rng.choice(SERIF_FONTS + DISPLAY_FONTS + SANS_FONTS)
        generic = "serif" if body_family in SERIF_FONTS else "sans-serif"
        head_generic = "serif" if "Serif" in head_family else "sans-serif"
        font_body = _stack(body_family, generic)
        font_head = _stack(head_family, head_generic)
    mono = rng.choice(MONO_FONTS)
    density = rng.choices(("dense", "normal", "airy"), (0.25, 0.5, 0.25))[0]
    unit = {"dense": rng.choice((3, 4)), "normal": rng.choice((4, 5, 6)), "airy": rng.choice((6, 7, 8))}[density]
    radius = rng.choice((0, 2, 4, 6, 8, 10, 12, 16))
    button_style = rng.choices(("solid", "outline", "soft", "pill"), (0.5, 0.15, 0.15, 0.2))[0]
    shadow_alpha = 0.5 if dark else rng.uniform(0.06, 0.16)
    shadow = rng.choice((
        "none",
        f"0 1px 2px rgba(0,0,0,{shadow_alpha:.2f})",
        f"0 2px 8px rgba(0,0,0,{shadow_alpha:.2f})",
        f"0 10px 30px -8px rgba(0,0,0,{shadow_alpha * 1.6:.2f})",
        f"0 1px 3px rgba(0,0,0,{shadow_alpha:.2f}), 0 8px 24px rgba(0,0,0,{shadow_alpha * 0.8:.2f})",
    ))
    base_size = rng.choice((14, 15, 16, 16, 16, 17, 18)) if density != "dense" else rng.choice((13, 14, 15))
    name = f"{'dark' if dark else 'light'}-{hue}-{density}"
    return Theme(
        name=name, dark=dark, hue=hue, bg=bg, surface=surface, surface2=surface2, text=text, muted=muted,
        border=border, accent=accent, accent_hover=accent_hover, on_accent=on_accent, accent_soft=accent_soft,
        accent2=accent2,
        success=hsl(rng.randint(130, 160), 0.55, 0.55 if dark else 0.38),
        warning=hsl(rng.randint(32, 45), 0.9, 0.55 if dark else 0.45),
        danger=hsl(rng.randint(350, 365), 0.7, 0.6 if dark else 0.47),
        palette=palette,
        font_body=font_body, font_head=font_head, font_mono=_stack(mono, "monospace"),
        base_size=base_size, line_height=round(rng.uniform(1.35, 1.75), 2),
        head_weight=rng.choice((500, 600, 700, 700, 800)) if lang != "ar" else rng.choice((600, 700)),
        head_scale=round(rng.uniform(1.15, 1.42), 3),
        letter_spacing=rng.choice(("normal", "normal", "-0.01em", "-0.02em", "0.01em")),
        unit=unit, density=density, radius=radius,
        button_radius=999 if button_style == "pill" else min(radius, rng.choice((0, 4, 6, 8, 12))),
        shadow=shadow, border_width=rng.choice((1, 1, 1, 2)),
        container=rng.choice((960, 1040, 1120, 1200, 1280)),
        button_style=button_style,
        card_style=rng.choice(("border", "shadow", "flat", "elevated")),
        nav_style=rng.choices(("plain", "accent", "dark", "blur"), (0.55, 0.15, 0.15, 0.15))[0],
        link_underline=rng.random() < 0.3,
        uppercase_labels=rng.random() < 0.35,
    )


def theme_css(t: Theme) -> str:
    """The base stylesheet: variables, reset, type, buttons, and the shared layout helpers."""
    s = t.head_scale
    u = t.unit
    h1 = min(round(t.base_size * s**4.2), 58)
    h2 = min(round(t.base_size * s**2.6), 40)
    h3 = round(t.base_size * s**1.3)
    btn = {
        "solid": "background:var(--accent);color:var(--on-accent);border-color:var(--accent)",
        "pill": "background:var(--accent);color:var(--on-accent);border-color:var(--accent)",
        "outline": "background:transparent;color:var(--accent);border-color:var(--accent)",
        "soft": "background:var(--accent-soft);color:var(--accent);border-color:transparent",
    }[t.button_style]
    return f"""
:root{{--bg:{t.bg};--surface:{t.surface};--surface-2:{t.surface2};--text:{t.text};--muted:{t.muted};
--border:{t.border};--accent:{t.accent};--accent-hover:{t.accent_hover};--on-accent:{t.on_accent};
--accent-soft:{t.accent_soft};--accent-2:{t.accent2};--ok:{t.success};--warn:{t.warning};--bad:{t.danger};
--font-body:{t.font_body};--font-head:{t.font_head};--font-mono:{t.font_mono};
--fs:{t.base_size}px;--lh:{t.line_height};--hw:{t.head_weight};--ls:{t.letter_spacing};
--h1:{h1}px;--h2:{h2}px;--h3:{h3}px;
--s1:{u}px;--s2:{u * 2}px;--s3:{u * 3}px;--s4:{u * 4}px;--s5:{u * 6}px;--s6:{u * 8}px;--s7:{u * 12}px;
--r:{t.radius}px;--rb:{t.button_radius}px;--rs:{min(t.radius, 6)}px;--shadow:{t.shadow};--bw:{t.border_width}px;
--maxw:{t.container}px;color-scheme:{"dark" if t.dark else "light"}}}
*,*::before,*::after{{box-sizing:border-box}}
html{{-webkit-text-size-adjust:100%}}
body{{margin:0;background:var(--bg);color:var(--text);font-family:var(--font-body);font-size:var(--fs);
line-height:var(--lh);overflow-wrap:anywhere}}
h1,h2,h3,h4{{font-family:var(--font-head);font-weight:var(--hw);line-height:1.2;margin:0 0 var(--s3);
letter-spacing:var(--ls)}}
h1{{font-size:var(--h1)}}h2{{font-size:var(--h2)}}h3{{font-size:var(--h3)}}h4{{font-size:1.05em}}
p{{margin:0 0 var(--s3)}}
a{{color:var(--accent);text-decoration:{"underline" if t.link_underline else "none"}}}
img{{max-width:100%;height:auto;display:block}}
svg{{flex-shrink:0}}
small,.muted{{color:var(--muted)}}
.container{{max-width:var(--maxw);margin:0 auto;padding:0 var(--s5)}}
.section{{padding:var(--s7) 0}}
.section-head{{margin-bottom:var(--s5);max-width:720px}}
.section-head.center{{text-align:center;margin-left:auto;margin-right:auto}}
.eyebrow{{display:block;color:var(--accent);font-weight:700;font-size:.8em;margin-bottom:var(--s2);
{"text-transform:uppercase;letter-spacing:.08em" if t.uppercase_labels else ""}}}
.lead{{font-size:1.15em;color:var(--muted)}}
.btn{{display:inline-flex;align-items:center;justify-content:center;gap:var(--s1);padding:.55em 1.1em;
border-radius:var(--rb);font:inherit;font-weight:600;line-height:1.3;border:var(--bw) solid;{btn};
text-decoration:none;cursor:pointer;text-align:center}}
.btn.secondary{{background:var(--surface);color:var(--text);border-color:var(--border)}}
.btn.ghost{{background:transparent;color:var(--text);border-color:transparent}}
.btn.danger{{background:var(--bad);color:#fff;border-color:var(--bad)}}
.btn.sm{{padding:.3em .75em;font-size:.875em}}
.btn.lg{{padding:.75em 1.5em;font-size:1.08em}}
.btn-row{{display:flex;flex-wrap:wrap;gap:var(--s2);align-items:center}}
.icon{{display:inline-block;vertical-align:middle;width:1.15em;height:1.15em}}
.card{{background:var(--surface);border-radius:var(--r);{_card_css(t)};min-width:0}}
.card-body{{padding:var(--s4)}}
.grid{{display:grid;gap:var(--s4)}}
.g2{{grid-template-columns:repeat(2,minmax(0,1fr))}}
.g3{{grid-template-columns:repeat(3,minmax(0,1fr))}}
.g4{{grid-template-columns:repeat(4,minmax(0,1fr))}}
.auto-grid{{grid-template-columns:repeat(auto-fill,minmax(min(100%,var(--min,220px)),1fr))}}
.row{{display:flex;gap:var(--s3);align-items:center;min-width:0}}
.row.wrap{{flex-wrap:wrap}}
.spacer{{flex:1}}
.stack>*+*{{margin-top:var(--s3)}}
.clearfix::after{{content:"";display:table;clear:both}}
.visually-hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}
@media (max-width:1023px){{.g4{{grid-template-columns:repeat(2,minmax(0,1fr))}}
.g3{{grid-template-columns:repeat(2,minmax(0,1fr))}}}}
@media (max-width:767px){{:root{{--h1:{max(24, round(h1 * 0.68))}px;--h2:{max(20, round(h2 * 0.8))}px;
--s7:{u * 8}px;--s5:{u * 4}px}}.g2,.g3,.g4{{grid-template-columns:minmax(0,1fr)}}
.container{{padding:0 var(--s4)}}}}
"""


def _card_css(t: Theme) -> str:
    if t.card_style == "border":
        return "border:var(--bw) solid var(--border)"
    if t.card_style == "shadow":
        return f"box-shadow:{t.shadow if t.shadow != 'none' else '0 2px 8px rgba(0,0,0,.12)'}"
    if t.card_style == "flat":
        return "background:var(--surface-2)"
    return f"border:1px solid var(--border);box-shadow:{t.shadow}"
