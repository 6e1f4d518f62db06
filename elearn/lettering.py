"""Which bundled font draws each character of a text on a certificate, and Arabic shaping.

Pure: no Flask, no database. Certificates are set in DejaVu Sans; a character it does not have is
drawn in a fallback font shipped beside it in `elearn/fonts` (each with its licence), loaded from
there and never fetched: Noto Sans Arabic for Arabic script, Droid Sans Fallback for Chinese,
Japanese and Korean, and a cut of Symbola for emoji and symbols. A name with a character none of
them has is refused when the person is added or signs (`unprintable`), so that no certificate is
ever printed with a blank where part of a name should be.

A PDF draws glyphs left to right as it is told, so text in a right-to-left script is put into
display order here (python-bidi, the Unicode bidirectional algorithm), and Arabic letters are
first given their joined forms (arabic-reshaper), or they would print backwards and unjoined.
That is done for each piece of text as a whole, which is right for a line; a right-to-left text
long enough to wrap would have its lines in the wrong order, which no name on a certificate is.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR_FONT = "ElearnDejaVuSans"
BOLD_FONT = "ElearnDejaVuSans-Bold"


@dataclass(frozen=True)
class Face:
    name: str  # as registered with reportlab
    file: str
    bold: str | None = None  # the name of its bold face, if it has one


DEJAVU = Face(REGULAR_FONT, "DejaVuSans.ttf", bold=BOLD_FONT)
DEJAVU_BOLD = Face(BOLD_FONT, "DejaVuSans-Bold.ttf")
ARABIC = Face(
    "ElearnNotoSansArabic", "NotoSansArabic-Regular.ttf", bold="ElearnNotoSansArabic-Bold"
)
ARABIC_BOLD = Face("ElearnNotoSansArabic-Bold", "NotoSansArabic-Bold.ttf")
CJK = Face("ElearnDroidSansFallback", "DroidSansFallback.ttf")
SYMBOLS = Face("ElearnSymbolaEmoji", "SymbolaEmoji.ttf")
FACES = {face.name: face for face in (DEJAVU, DEJAVU_BOLD, ARABIC, ARABIC_BOLD, CJK, SYMBOLS)}
# Where to look for a character after DejaVu Sans: in this order.
FALLBACKS = (ARABIC, CJK, SYMBOLS)

# Arabic script: its letters, supplements and presentation forms (Arabic, Urdu, Persian...).
_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
                  (0xFE70, 0xFEFF))  # fmt: skip
# Characters that take no room and draw nothing, once the text is in display order: joiners,
# direction marks, variation selectors (emoji or text style), skin-tone modifiers and tags.
_INVISIBLE_RANGES = ((0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F),
                     (0x1F3FB, 0x1F3FF), (0xE0000, 0xE007F), (0xFEFF, 0xFEFF))  # fmt: skip

_lock = threading.Lock()


def _in(ranges: tuple[tuple[int, int], ...], character: str) -> bool:
    code = ord(character)
    return any(first <= code <= last for first, last in ranges)


def is_arabic(character: str) -> bool:
    return _in(_ARABIC_RANGES, character)


def _is_invisible(character: str) -> bool:
    return _in(_INVISIBLE_RANGES, character)


def font(name: str) -> str:
    """Register one of the bundled faces with reportlab (once per process) and return its name.

    Fallback faces are registered only when a text needs them: Droid Sans Fallback alone takes
    about a second to read.
    """
    with _lock:
        if name not in pdfmetrics.getRegisteredFontNames():
            face = FACES[name]
            pdfmetrics.registerFont(TTFont(face.name, str(FONT_DIR / face.file)))
            if face.bold is not None:
                bold = FACES[face.bold]
                pdfmetrics.registerFont(TTFont(bold.name, str(FONT_DIR / bold.file)))
                pdfmetrics.registerFontFamily(
                    face.name, normal=face.name, bold=bold.name, italic=face.name,
                    boldItalic=bold.name,
                )  # fmt: skip
    return name


@cache
def _characters(name: str) -> frozenset[int]:
    face = pdfmetrics.getFont(font(name)).face  # type: ignore[attr-defined]
    return frozenset(face.charToGlyph)


def _has(name: str, character: str) -> bool:
    return ord(character) in _characters(name)


def face_for(character: str, *, bold: bool = False) -> str | None:
    """The bundled face that draws `character` (in bold where that face has one), or None."""
    primary = BOLD_FONT if bold else REGULAR_FONT
    if character.isspace() or (character < "\u0590" and _has(REGULAR_FONT, character)):
        return primary
    candidates = [ARABIC, DEJAVU] if is_arabic(character) else [DEJAVU, *FALLBACKS]
    for face in candidates:
        if _has(face.name, character):
            if face is DEJAVU:
                return primary
            return face.bold if bold and face.bold else face.name
    return None


@functools.lru_cache(maxsize=4096)
def visual(text: str) -> str:
    """The text as it is drawn: composed (NFC), Arabic letters joined, right-to-left runs in
    display order, and characters that draw nothing left out."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    if any(is_arabic(character) for character in text):
        text = arabic_reshaper.reshape(text)
    if any(unicodedata.bidirectional(character) in ("R", "AL") for character in text):
        text = get_display(text)
    return "".join(character for character in text if not _is_invisible(character))


def unprintable(text: str) -> str:
    """The characters of `text` that no bundled font can draw, each once, in order."""
    missing: list[str] = []
    for character in visual(text):
        if face_for(character) is None and character not in missing:
            missing.append(character)
    return "".join(missing)


def refusal(text: str, what: str) -> str | None:
    """Why `text` cannot be printed on a certificate, for the person typing it; or None."""
    missing = unprintable(text)
    if not missing:
        return None
    shown = " ".join(missing[:5])
    return (
        f"{what} has characters that cannot be printed on a certificate ({shown}). "
        "Leave them out, or write the name in another way."
    )


def runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """`text` (already `visual`) cut into runs of one face each: (face name, characters).

    A character no face has stays in the main face, which draws it as an empty box: `refusal`
    stops such names before they reach a certificate.
    """
    return list(_runs(text, bold))


@functools.lru_cache(maxsize=4096)
def _runs(text: str, bold: bool) -> tuple[tuple[str, str], ...]:
    primary = BOLD_FONT if bold else REGULAR_FONT
    found: list[tuple[str, str]] = []
    for character in text:
        name = face_for(character, bold=bold) or primary
        if found and found[-1][0] == name:
            found[-1] = (name, found[-1][1] + character)
        else:
            found.append((font(name), character))
    return tuple(found)


def width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide `text` (already `visual`) is at `size` points, each run in its own face."""
    return sum(pdfmetrics.stringWidth(part, name, size) for name, part in runs(text, bold=bold))


@functools.lru_cache(maxsize=4096)
def markup(text: str, *, bold: bool = False) -> str:
    """`text` as reportlab Paragraph markup: in display order, escaped, and each run that needs
    a fallback face wrapped in a <font> tag naming it (the rest takes the paragraph's font)."""
    primary = BOLD_FONT if bold else REGULAR_FONT
    parts = []
    for name, part in runs(visual(text), bold=bold):
        escaped = escape(part)
        parts.append(escaped if name == primary else f'<font name="{name}">{escaped}</font>')
    return "".join(parts)


@functools.lru_cache(maxsize=1024)
def needs_fallback(text: str) -> bool:
    """True if any character of `text` is drawn in a face other than DejaVu Sans, or reordered."""
    shown = visual(text)
    if shown != unicodedata.normalize("NFC", text):
        return True
    return any(face_for(character) not in (REGULAR_FONT, None) for character in shown)
