"""Text in one language: sentences, titles, names, numbers, prices and dates.

Every draw goes through the page's ``random.Random``, so the same seed gives the same text.
"""

from __future__ import annotations

import random
from html import escape

from layoutcheck.synth.pages import corpus

_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_BRAND_HEADS = ("Nor", "Lum", "Quan", "Vel", "Ori", "Zen", "Kai", "Bright", "Flux", "Nimb", "Ter", "Hex",
                "Sol", "Arc", "Pix", "Mer", "Cobal", "Ast", "Fer", "Wav")
_BRAND_TAILS = ("vex", "io", "tly", "ora", "ix", "ify", "eon", "ly", "wise", "stack", "base", "nest", "loop",
                "grid", "a", "um", "path", "ware")
_BRAND_SUFFIX = ("", "", "", " Labs", ".io", " Cloud", " Studio", " & Co.", " Systems", " Hub")
_TLDS = ("com", "io", "de", "fr", "es", "pl", "ru", "gr", "dev", "app", "org")
_LANG_TLD = {"en": "com", "de": "de", "fr": "fr", "es": "es", "pl": "pl", "ru": "ru", "el": "gr", "ar": "sa"}


def esc(value: str) -> str:
    """HTML-escape text for element content and attribute values."""
    return escape(value, quote=True)


class Text:
    """Text generator for one page language.

    Args:
        rng: the page's random generator.
        lang: a language of :data:`corpus.LANG_WEIGHTS`.
        eastern_digits: write Arabic-Indic digits (Arabic pages only).
    """

    def __init__(self, rng: random.Random, lang: str, eastern_digits: bool = False) -> None:
        self.rng = rng
        self.lang = lang
        self.rtl = lang == "ar"
        self.eastern_digits = eastern_digits and lang == "ar"
        self._words = corpus.WORDS[lang]
        self._ui = corpus.UI[lang]
        self._fmt = corpus.NUMBER_FORMATS[lang]
        self.long_rate = rng.choice((0.0, 0.0, 0.004, 0.012))

    # words and sentences
    def ui(self, key: str) -> str:
        """A UI string (button label, menu item...) in the page language."""
        return self._ui[key]

    def word(self) -> str:
        if self.long_rate and self.rng.random() < self.long_rate:
            return self.rng.choice(corpus.LONG_TOKENS)
        return self.rng.choice(self._words)

    def words(self, n: int) -> str:
        out: list[str] = []
        while len(out) < n:
            w = self.word()
            if not out or w != out[-1]:
                out.append(w)
        return " ".join(out)

    def sentence(self, lo: int = 6, hi: int = 16) -> str:
        n = self.rng.randint(lo, hi)
        parts = self.words(n).split(" ")
        if n > 7 and self.rng.random() < 0.5:
            k = self.rng.randint(2, n - 3)
            parts[k] += "،" if self.rtl else ","
        text = " ".join(parts)
        end = self.rng.choices((".", "?", "!"), (0.88, 0.07, 0.05))[0]
        if end == "?" and self.lang == "el":
            end = ";"
        elif end == "?" and self.rtl:
            end = "؟"
        return _capitalize(text) + end

    def paragraph(self, lo: int = 2, hi: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def title(self, lo: int = 2, hi: int = 6) -> str:
        text = self.words(self.rng.randint(lo, hi))
        if self.lang == "en" and self.rng.random() < 0.5:
            return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
        return _capitalize(text)

    def label(self) -> str:
        """One or two words, capitalised: a tag, a table column, a menu item."""
        return _capitalize(self.words(self.rng.choice((1, 1, 2))))

    # people and places
    def name(self) -> str:
        first, last = corpus.NAMES[self.lang]
        return f"{self.rng.choice(first)} {self.rng.choice(last)}"

    def initials(self, name: str) -> str:
        parts = [p for p in name.split(" ") if p]
        return "".join(p[0] for p in parts[:2]).upper()

    def city(self) -> str:
        return self.rng.choice(corpus.CITIES[self.lang])

    def brand(self) -> str:
        head, tail = self.rng.choice(_BRAND_HEADS), self.rng.choice(_BRAND_TAILS)
        return head + tail + self.rng.choice(_BRAND_SUFFIX)

    def domain(self, brand: str) -> str:
        core = "".join(c for c in brand.lower() if c.isalnum() and c.isascii()) or "example"
        tld = _LANG_TLD[self.lang] if self.rng.random() < 0.6 else self.rng.choice(_TLDS)
        return f"{core}.{tld}"

    def email(self, domain: str | None = None) -> str:
        return f"{self.rng.choice(corpus.HANDLES)}@{domain or 'example.com'}"

    def handle(self) -> str:
        return "@" + self.rng.choice(corpus.HANDLES).replace(".", "_") + str(self.rng.randint(1, 99))

    def phone(self) -> str:
        digits = " ".join(str(self.rng.randint(100, 999)) for _ in range(3))
        return self.digits(f"+{self.rng.randint(1, 49)} {digits}")

    # numbers, money, time
    def digits(self, text: str) -> str:
        return text.translate(_ARABIC_DIGITS) if self.eastern_digits else text

    def number(self, value: float, decimals: int = 0) -> str:
        raw = f"{abs(value):,.{decimals}f}"
        whole, _, frac = raw.partition(".")
        whole = whole.replace(",", self._fmt.group)
        text = whole + (self._fmt.decimal + frac if frac else "")
        return self.digits(("−" if value < 0 else "") + text)

    def percent(self, value: float, decimals: int = 1) -> str:
        sign = "+" if value > 0 else ""
        body = self.number(value, decimals)
        return f"{sign}{body}\u00a0%" if self.lang in ("de", "fr", "pl", "ru", "es", "el") else f"{sign}{body}%"

    def price(self, value: float, decimals: int | None = None) -> str:
        if decimals is None:
            decimals = 0 if value >= 1000 or float(value).is_integer() else 2
        body = self.number(value, decimals)
        cur = self._fmt.currency
        return f"{body}\u00a0{cur}" if self._fmt.currency_after else f"{cur}{body}"

    def money_value(self, lo: float, hi: float) -> float:
        """A price-like value: 19.99, 249, 1 299."""
        v = self.rng.uniform(lo, hi)
        if v < 100:
            return round(v) - 0.01 if self.rng.random() < 0.6 else float(round(v))
        return float(round(v / 10) * 10 - (1 if self.rng.random() < 0.5 else 0))

    def date(self, year: int | None = None) -> str:
        y = year or self.rng.randint(2019, 2025)
        m, d = self.rng.randint(1, 12), self.rng.randint(1, 28)
        months = corpus.MONTHS[self.lang]
        style = self.rng.random()
        if style < 0.3:
            if self.lang == "en":
                text = f"{m:02d}/{d:02d}/{y}"
            elif self.lang in ("de", "pl", "ru"):
                text = f"{d:02d}.{m:02d}.{y}"
            else:
                text = f"{d:02d}/{m:02d}/{y}"
        elif self.lang == "en":
            text = f"{months[m - 1][:3]} {d}, {y}" if style < 0.7 else f"{months[m - 1]} {d}, {y}"
        elif self.lang == "de":
            text = f"{d}. {months[m - 1]} {y}"
        else:
            text = f"{d} {months[m - 1]} {y}"
        return self.digits(text)

    def time(self) -> str:
        h, m = self.rng.randint(0, 23), self.rng.choice((0, 5, 15, 20, 30, 45, 50))
        if self.lang == "en":
            return f"{(h % 12) or 12}:{m:02d} {'AM' if h < 12 else 'PM'}"
        return self.digits(f"{h:02d}:{m:02d}")


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text
