"""The certificate as a PDF: a staff member's signed declaration of receipt of the policy.

`render_certificate` turns a `CertificateContent` into the bytes of a one-page A4 PDF that the
headteacher can print and file. Nothing here knows about Flask or the database; the certificate
service gathers the content and decides what to do with the bytes.

Text is set in DejaVu Sans, shipped in `elearn/fonts`, and embedded as a subset with a Unicode
mapping, so names such as "Nguyễn Thị Ánh" print correctly and copy back out of the PDF exactly.
Characters DejaVu Sans lacks (Chinese, Japanese, Korean, Arabic, emoji) are drawn in the fallback
faces `elearn.lettering` chooses, Arabic joined and in right-to-left order. Equal content gives
identical bytes, dated when the declaration was signed.

Speed (a school may download a thousand at once; one took 66 ms): the page every certificate of
one policy version shares is laid out and drawn once (`_template`) and each person's details are
stamped into it, line by line, where the full drawing would put them (a detail that needs more
room is drawn in full). The QR code is one path of filled runs from `segno`, not a shape per
module. Each face's subsets are cached across documents: every document first gives the same
common characters the same codes (`_SEED`), so a certificate whose details use only those embeds
the subset made, and compressed, for the last one.
"""

from __future__ import annotations

import functools
import io
import math
import string
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFStreamFilterZCompress, PDFZCompress
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from elearn import lettering
from elearn.lettering import BOLD_FONT, REGULAR_FONT

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 64.0
"""No text comes nearer than this to any edge of the page (the border sits outside it)."""
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN

SPECIMEN_MARK = "SPECIMEN - not a real certificate"
LONDON = ZoneInfo("Europe/London")
# Spelt out rather than strftime("%B"), which follows the process's locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_NAVY = colors.HexColor("#1B365D")
_INK = colors.HexColor("#1A1A1A")
_GREY_HEX = "#555555"
_GREY = colors.HexColor(_GREY_HEX)
_PANEL = colors.HexColor("#F3F5F8")
_RULE_GREY = colors.HexColor("#B8BEC7")
_SPECIMEN_RED = colors.HexColor("#B3261E")
_SPECIMEN_WASH = colors.HexColor("#F6D5D2")

_NAME_LABEL = "Name: "
_NAME_LABEL_SIZE = 13.0
_NAME_LARGEST = 20.0
_NAME_SMALLEST = 12.0

_QR_SIZE = 96.0
_PANEL_BOTTOM = MARGIN
_PANEL_HEIGHT = 118.0
_BODY_TOP = PAGE_HEIGHT - MARGIN - 26
_BODY_BOTTOM = _PANEL_BOTTOM + _PANEL_HEIGHT + 16


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on one certificate, already decided by the certificate service."""

    school: str
    policy_title: str
    policy_version: str
    declaration_title: str
    declaration_text: str
    member_name: str
    signature: str
    signed_at: datetime
    score_percent: int | None  # None: a policy staff read and sign, with no assessment
    code: str
    verify_url: str
    is_specimen: bool = False


# Characters most certificates use, given the same codes in every document in this order, so that
# their font subsets come out the same and are made once (see `_cache_subsets`).
_SEED = (
    string.ascii_letters + string.digits + string.punctuation + " ’‘“”–—£€"
    + "".join(chr(code) for code in range(0xC0, 0x100) if chr(code).isalpha())
)  # fmt: skip


def register_fonts() -> None:
    """Register the bundled DejaVu Sans faces with reportlab, once per process."""
    lettering.font(REGULAR_FONT)
    _cache_subsets(REGULAR_FONT)
    _cache_subsets(BOLD_FONT)


def _cache_subsets(font_name: str) -> None:
    """Keep each subset of the face made for a document, compressed, to embed again in the next
    document that uses exactly the same characters in the same order, rather than cut it out and
    compress it anew (most of the time a certificate took, once its QR code was quick)."""
    face = pdfmetrics.getFont(font_name).face  # type: ignore[attr-defined]
    if getattr(face, "elearn_cached", False):
        return
    make, add_subset = face.makeSubset, face.addSubsetObjects

    @functools.lru_cache(maxsize=64)
    def cached(codes: tuple[int, ...]) -> bytes:
        made: bytes = make(list(codes))
        return made

    def add_subset_objects(doc: Any, name: str, subset: list[int]) -> Any:
        reference = add_subset(doc, name, subset)
        stream = doc.idToObject.get(f"fontFile:{face.filename}({name})")
        if stream is not None and stream.filters == [PDFZCompress]:
            stream.filters = [_CACHED_FLATE]
        return reference

    face.makeSubset = lambda subset: cached(tuple(subset))
    face.addSubsetObjects = add_subset_objects
    face.elearn_cached = True
    font = pdfmetrics.getFont(font_name)
    add_font_objects = font.addObjects

    def add_objects(doc: Any) -> None:
        add_font_objects(doc)
        for key, stream in doc.idToObject.items():  # each subset's map back to Unicode
            if key.startswith("toUnicodeCMap:") and stream.filters == [PDFZCompress]:
                stream.filters = [_CACHED_FLATE]

    font.addObjects = add_objects


class _CachedFlate(PDFStreamFilterZCompress):
    """reportlab's Flate compression, remembering what it made for the last font subsets."""

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one instance, kept for the process
    def encode(self, text: bytes | str) -> bytes:
        encoded: bytes = super().encode(text)
        return encoded


_CACHED_FLATE = _CachedFlate()


def _seed(canvas: Canvas, seed: str) -> None:
    """Give the common characters (and any of the shared text's) the same codes, and the two
    faces the same names in the page, in every document: a stamped page's text relies on it."""
    for name in (REGULAR_FONT, BOLD_FONT):
        face = pdfmetrics.getFont(name)
        face.splitString(seed, canvas._doc)
        face.getSubsetInternalName(0, canvas._doc)


def fit_font_size(
    text: str, font_name: str, max_width: float, largest: float, smallest: float
) -> float:
    """Return the largest size, in half points from `largest` down to `smallest`, at which `text`
    fits on one line of `max_width` points; `smallest` if it fits at none (the caller wraps it).

    Text is measured as it is drawn, in each character's own face (see `elearn.lettering`).
    """
    register_fonts()
    shown = lettering.visual(text)
    if font_name in (REGULAR_FONT, BOLD_FONT):
        width_at_one_point = lettering.width(shown, 1, bold=font_name == BOLD_FONT)
    else:
        width_at_one_point = pdfmetrics.stringWidth(shown, font_name, 1)
    if width_at_one_point <= 0:
        return largest
    size = math.floor(2 * max_width / width_at_one_point) / 2
    return max(smallest, min(largest, size))


def format_signed_at(signed_at: datetime) -> str:
    """Say when the declaration was signed, in UK time: "14 March 2025 at 10:42 GMT"."""
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise ValueError("signed_at must be a timezone-aware time (UTC).")
    local = signed_at.astimezone(LONDON)
    month = _MONTHS[local.month - 1]
    return f"{local.day} {month} {local.year} at {local:%H:%M} {local.tzname()}"


def render_certificate(content: CertificateContent) -> bytes:
    """Draw the certificate and return the PDF's bytes.

    Most certificates are stamped: the page every certificate of the same policy version and
    school shares is drawn once (`_template`) and each person's details are set into it, line by
    line. A certificate whose details need more room (a name or address that wraps) or whose
    shared text needs a fallback face is drawn in full; both give the same page.
    """
    register_fonts()
    stamp = _stamp_template(content)
    if stamp is None:
        return _render_in_full(content)
    return _render_stamped(content, *stamp)


def _new_canvas(buffer: io.BytesIO, content: CertificateContent, seed: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=A4, invariant=True, lang="en-GB", initialFontName=REGULAR_FONT)
    _seed(canvas, seed)
    _set_metadata(canvas, content)
    return canvas


def _render_in_full(content: CertificateContent) -> bytes:
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, content, _SEED)
    _draw_page(canvas, content, _person_parts(content))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_page(canvas: Canvas, content: CertificateContent, person: _PersonParts) -> None:
    _draw_border(canvas)
    if content.is_specimen:
        _draw_specimen_wash(canvas)
    body_height = _BODY_TOP - _BODY_BOTTOM
    _draw_in_box(canvas, _spread(_body(content, person), body_height), _BODY_BOTTOM, body_height)
    _draw_in_box(canvas, _verification_panel(person), _PANEL_BOTTOM, _PANEL_HEIGHT)
    if content.is_specimen:
        _draw_specimen_banner(canvas)


# --- Text -----------------------------------------------------------------------------------------


def _plain(text: str, *, bold: bool = False) -> str:
    """Prepare our own or a person's text for Paragraph markup: composed Unicode, escaped, each
    character in a face that has it, right-to-left script in display order.

    NFC matters: "ễ" typed as "e" plus two combining marks would be drawn as three glyphs, misplace
    the accents and copy out of the PDF as three characters rather than one.
    """
    return lettering.markup(text, bold=bold)


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    settings: dict[str, Any] = {
        "fontName": REGULAR_FONT,
        "fontSize": 12,
        "leading": 17,
        "textColor": _INK,
        "splitLongWords": 1,
        # No squeezing spaces to fit one more word: lines break where `_break_lines` breaks them.
        "spaceShrinkage": 0,
        **overrides,
    }
    return ParagraphStyle(name, **settings)


_SCHOOL = _style(
    "school", fontName=BOLD_FONT, fontSize=15, leading=20, alignment=TA_CENTER, textColor=_NAVY
)
_POLICY = _style(
    "policy", fontName=BOLD_FONT, fontSize=26, leading=32, alignment=TA_CENTER, textColor=_INK
)
_VERSION = _style("version", fontSize=11.5, leading=16, alignment=TA_CENTER, textColor=_GREY)
_DECLARATION_TITLE = _style(
    "declaration-title",
    fontName=BOLD_FONT,
    fontSize=16,
    leading=21,
    alignment=TA_CENTER,
    textColor=_NAVY,
)
_DECLARATION = _style("declaration", fontSize=13, leading=20)
_DETAIL = _style("detail", fontSize=12, leading=18)
_LABEL = _style("label", fontSize=9.5, leading=13, textColor=_GREY)
_CODE = _style("code", fontName=BOLD_FONT, fontSize=17, leading=23, textColor=_INK)
_SMALL = _style("small", fontSize=9.5, leading=13.5)


def _name_size(content: CertificateContent) -> float:
    name = unicodedata.normalize("NFC", content.member_name)
    label_width = pdfmetrics.stringWidth(_NAME_LABEL, REGULAR_FONT, _NAME_LABEL_SIZE)
    return fit_font_size(name, BOLD_FONT, TEXT_WIDTH - label_width, _NAME_LARGEST, _NAME_SMALLEST)


def _name_paragraph(content: CertificateContent) -> Paragraph:
    name = unicodedata.normalize("NFC", content.member_name)
    size = _name_size(content)
    style = _style("name", fontSize=_NAME_LABEL_SIZE, leading=size * 1.3)
    return Paragraph(
        f'<font color="{_GREY_HEX}">{_plain(_NAME_LABEL)}</font>'
        f'<font name="{BOLD_FONT}" size="{size:g}">{_plain(name, bold=True)}</font>',
        style,
    )


@dataclass(frozen=True)
class _PersonParts:
    """What differs from one person's certificate to the next, as flowables."""

    name: Flowable
    signed: Flowable
    outcome: Flowable
    code: Flowable
    link: Flowable  # "Check this certificate at <address>"
    qr_code: Flowable


def _person_parts(content: CertificateContent) -> _PersonParts:
    signed_line = (
        _plain("Signed electronically by ")
        + f"<b>{_plain(content.signature, bold=True)}</b>"
        + _plain(f" on {format_signed_at(content.signed_at)}")
    )
    url = _plain(content.verify_url)
    href = escape(unicodedata.normalize("NFC", content.verify_url), {'"': "&quot;"})
    return _PersonParts(
        name=_name_paragraph(content),
        signed=Paragraph(signed_line, _DETAIL),
        outcome=Paragraph(_plain(_outcome(content.score_percent)), _DETAIL),
        code=Paragraph(_plain(content.code), _CODE),
        link=Paragraph(f'{_CHECK_AT}<link href="{href}">{url}</link>', _SMALL),
        qr_code=_qr_code(content.verify_url),
    )


_CHECK_AT = "Check this certificate at "
_HINT = _style("hint", fontSize=8.5, leading=12, textColor=_GREY)


def _body(content: CertificateContent, person: _PersonParts) -> list[Flowable]:
    declaration_box = Table(
        [[Paragraph(_plain(content.declaration_text), _DECLARATION)]],
        colWidths=[TEXT_WIDTH],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR_FONT),  # else Helvetica is referenced
                ("BACKGROUND", (0, 0), (-1, -1), _PANEL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, _NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), 18),
                ("RIGHTPADDING", (0, 0), (-1, -1), 16),
                ("TOPPADDING", (0, 0), (-1, -1), 14),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 16),
            ]
        ),
    )
    return [
        _Stretch(0, 1),
        Paragraph(_plain(content.school), _SCHOOL),
        Spacer(0, 14),
        _Rule(TEXT_WIDTH / 3, _NAVY, 0.75),
        Spacer(0, 18),
        Paragraph(_plain(content.policy_title), _POLICY),
        Spacer(0, 4),
        Paragraph(_plain(f"Version: {content.policy_version}"), _VERSION),
        _Stretch(36, 4),
        Paragraph(_plain(content.declaration_title), _DECLARATION_TITLE),
        Spacer(0, 14),
        declaration_box,
        _Stretch(30, 4),
        person.name,
        Spacer(0, 8),
        _Rule(TEXT_WIDTH, _RULE_GREY, 0.5),
        Spacer(0, 10),
        person.signed,
        Spacer(0, 8),
        _Rule(TEXT_WIDTH, _RULE_GREY, 0.5),
        Spacer(0, 10),
        person.outcome,
        _Stretch(0, 3),
    ]


def _outcome(score_percent: int | None) -> str:
    if score_percent is None:
        return "Read in full before signing (no assessment)"
    return f"Assessment score: {score_percent}%"


def _spread(flowables: list[Flowable], height: float) -> list[Flowable]:
    """Share the height the flowables do not need among their stretches, so that a short name and
    a long one both give a balanced page."""
    needed = sum(flowable.wrap(TEXT_WIDTH, height)[1] for flowable in flowables)
    stretches = [flowable for flowable in flowables if isinstance(flowable, _Stretch)]
    spare = height - needed - 1  # a point in hand, so rounding never triggers a shrink
    if spare > 0 and stretches:
        total = sum(stretch.weight for stretch in stretches)
        for stretch in stretches:
            stretch.height += spare * stretch.weight / total
    return flowables


def _verification_panel(person: _PersonParts) -> list[Flowable]:
    words = [
        Paragraph("Certificate code", _LABEL),
        person.code,
        Spacer(0, 8),
        person.link,
        Spacer(0, 3),
        Paragraph(
            "Scan the code or visit the address to confirm that the school issued it.", _HINT
        ),
    ]
    table = Table(
        [[words, person.qr_code]],
        colWidths=[TEXT_WIDTH - _QR_SIZE, _QR_SIZE],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR_FONT),
                ("LINEABOVE", (0, 0), (-1, 0), 0.75, _NAVY),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), 16),
                ("TOPPADDING", (0, 0), (-1, -1), 14),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return [table]


def _qr_code(url: str) -> Flowable:
    return _QrCode(url, _QR_SIZE)


class _QrCode(Flowable):
    """A QR code as one filled path: a rectangle for each run of dark modules in a row.

    `segno` makes the symbol with a fixed mask pattern: any of the eight is valid and every
    reader takes the one in use from the symbol itself, and scoring all eight to pick one
    (as QR encoders may) took most of the time a certificate took to make.
    """

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.data = data
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.addLiteral(qr_path(self.data, self.size))


@functools.lru_cache(maxsize=256)
def qr_path(data: str, size: float) -> str:
    """PDF operators that fill a `size`-point square at the origin with the QR code of `data`."""
    symbol = segno.make(data, error="m", mask=0, boost_error=False, micro=False)
    matrix = symbol.matrix
    count = len(matrix)
    runs = []
    for row_number, row in enumerate(matrix):
        y = count - 1 - row_number
        x = 0
        while x < count:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < count and row[x]:
                x += 1
            runs.append(f"{start} {y} {x - start} 1 re")
    scale = f"{size / count:.4f}"
    return f"q 0 g {scale} 0 0 {scale} 0 0 cm {' '.join(runs)} f Q"


class _Stretch(Spacer):
    """Vertical space of at least `minimum` that takes a `weight` share of any spare height."""

    def __init__(self, minimum: float, weight: float) -> None:
        super().__init__(0, minimum)
        self.weight = weight


class _Rule(Flowable):
    """A centred horizontal line."""

    def __init__(self, width: float, colour: colors.Color, thickness: float) -> None:
        super().__init__()
        self.rule_width = width
        self.colour = colour
        self.thickness = thickness

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available_width = available_width
        return available_width, 1

    def draw(self) -> None:
        start = (self.available_width - self.rule_width) / 2
        self.canv.setStrokeColor(self.colour)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(start, 0.5, start + self.rule_width, 0.5)


# --- Page -----------------------------------------------------------------------------------------


def _set_metadata(canvas: Canvas, content: CertificateContent) -> None:
    # The PDF is dated when the declaration was signed, not when these bytes were made: a
    # certificate downloaded again is the same file.
    signed = content.signed_at.astimezone(UTC)
    canvas.setDateFormatter(lambda *_now: f"D:{signed:%Y%m%d%H%M%S}+00'00'")
    prefix = "SPECIMEN: " if content.is_specimen else ""
    name = unicodedata.normalize("NFC", content.member_name)
    canvas.setTitle(f"{prefix}{content.declaration_title}, {content.policy_title}: {name}")
    canvas.setAuthor(content.school)
    canvas.setSubject(
        f"{content.declaration_title} for the {content.policy_title} "
        f"(version: {content.policy_version}), certificate {content.code}"
    )
    canvas.setCreator("elearn")


def _draw_in_box(canvas: Canvas, flowables: list[Flowable], bottom: float, height: float) -> None:
    """Draw the flowables between the margins, shrunk if need be so the page never overflows."""
    frame = Frame(
        MARGIN,
        bottom,
        TEXT_WIDTH,
        height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        showBoundary=0,
    )
    frame.addFromList([KeepInFrame(TEXT_WIDTH, height, flowables, mode="shrink")], canvas)


def _draw_border(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(_NAVY)
    canvas.setLineWidth(2)
    canvas.rect(28, 28, PAGE_WIDTH - 56, PAGE_HEIGHT - 56)
    canvas.setLineWidth(0.6)
    canvas.rect(34, 34, PAGE_WIDTH - 68, PAGE_HEIGHT - 68)
    canvas.restoreState()


def _draw_specimen_wash(canvas: Canvas) -> None:
    """A large pale diagonal word behind everything, so a copy can never pass for the real thing."""
    canvas.saveState()
    canvas.setFillColor(_SPECIMEN_WASH)
    canvas.setFont(BOLD_FONT, 96)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(54)
    canvas.drawCentredString(0, -34, "SPECIMEN")
    canvas.restoreState()


def _draw_specimen_banner(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setFillColor(_SPECIMEN_RED)
    canvas.setFont(BOLD_FONT, 12)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - MARGIN - 12, SPECIMEN_MARK)
    canvas.restoreState()


# --- Stamping -------------------------------------------------------------------------------------

_SLOT_MARK = "%elearn-slot "  # a PDF comment: where a person's detail goes in the shared page


class _Slot(Flowable):
    """Room for one line of a person's details in the shared page. Drawn into the template, it
    notes where on the page it is and leaves a mark in the page's operators at that point."""

    def __init__(self, key: str, width: float, height: float) -> None:
        super().__init__()
        self.key = key
        self.slot_width = width
        self.slot_height = height
        self.origin = (0.0, 0.0)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.slot_width, self.slot_height

    def draw(self) -> None:
        a, b, c, d, e, f = self.canv._currentMatrix
        if (a, b, c, d) != (1, 0, 0, 1):
            raise _NotStampable  # the page had to be shrunk to fit
        self.origin = (e, f)
        self.canv.addLiteral(_SLOT_MARK + self.key)


class _NotStampable(Exception):
    """The shared page cannot be drawn once for everyone: draw each certificate in full."""


@dataclass(frozen=True)
class _Template:
    """The page every certificate of one policy version at one school shares, as PDF operators
    cut where each person's detail goes, with where each slot is."""

    seed: str
    segments: tuple[str, ...]  # operators before the first slot, between slots, after the last
    slots: tuple[_Slot, ...]  # in the order they are drawn


_LINE_KEYS = ("name", "signed", "outcome", "code", "link")


def _stamp_template(content: CertificateContent) -> tuple[_Template, _Lines] | None:
    """The template for this certificate and the person's lines to stamp into it, if it can be
    stamped: the shared text needs no fallback face, and each detail fits where it goes."""
    shared = (
        content.school,
        content.policy_title,
        f"Version: {content.policy_version}",
        content.declaration_title,
        content.declaration_text,
    )
    if any(lettering.needs_fallback(text) for text in shared):
        return None
    size = _name_size(content)
    lines = _person_lines(content, size)
    if lines is None:
        return None
    counts = (len(lines["signed"]), len(lines["outcome"]), len(lines["code"]), len(lines["link"]))
    template = _template(*shared, content.is_specimen, size, counts)
    return None if template is None else (template, lines)


_WORDS_WIDTH = TEXT_WIDTH - _QR_SIZE - 16  # the verification panel's text column


@functools.lru_cache(maxsize=64)
def _template(
    school: str,
    policy_title: str,
    version_line: str,
    declaration_title: str,
    declaration_text: str,
    is_specimen: bool,
    name_size: float,
    line_counts: tuple[int, int, int, int],  # signed, outcome, code and link
) -> _Template | None:
    shared = CertificateContent(
        school=school,
        policy_title=policy_title,
        policy_version=version_line.removeprefix("Version: "),
        declaration_title=declaration_title,
        declaration_text=declaration_text,
        member_name="",
        signature="",
        signed_at=datetime(2000, 1, 1, tzinfo=UTC),
        score_percent=None,
        code="",
        verify_url="",
        is_specimen=is_specimen,
    )
    slots = _PersonParts(
        name=_Slot("name", TEXT_WIDTH, name_size * 1.3),
        signed=_Slot("signed", TEXT_WIDTH, _DETAIL.leading * line_counts[0]),
        outcome=_Slot("outcome", TEXT_WIDTH, _DETAIL.leading * line_counts[1]),
        code=_Slot("code", _WORDS_WIDTH, _CODE.leading * line_counts[2]),
        link=_Slot("link", _WORDS_WIDTH, _SMALL.leading * line_counts[3]),
        qr_code=_Slot("qr_code", _QR_SIZE, _QR_SIZE),
    )
    extra = "".join(dict.fromkeys(ch for text in (school, policy_title, version_line,
                                                  declaration_title, declaration_text)
                                  for ch in lettering.visual(text) if ch not in _SEED))  # fmt: skip
    seed = _SEED + extra
    canvas = Canvas(io.BytesIO(), pagesize=A4, invariant=True, initialFontName=REGULAR_FONT)
    _seed(canvas, seed)
    try:
        _draw_page(canvas, shared, slots)
    except _NotStampable:
        return None
    segments: list[list[str]] = [[]]
    order: list[_Slot] = []
    by_key = {slot.key: slot for slot in vars(slots).values()}
    for operator in canvas._code:
        if operator.startswith(_SLOT_MARK):
            order.append(by_key[operator.removeprefix(_SLOT_MARK)])
            segments.append([])
        else:
            segments[-1].append(operator)
    if len(order) != len(by_key):
        return None
    return _Template(seed, tuple("\n".join(part) for part in segments), tuple(order))


# (face, size, colour, text) for each run of a line, left to right.
_Run = tuple[str, float, colors.Color, str]
# Each slot's lines, top to bottom.
_Lines = dict[str, list[list[_Run]]]


def _runs(text: str, size: float, colour: colors.Color, *, bold: bool = False) -> list[_Run]:
    shown = lettering.visual(text)
    return [(name, size, colour, part) for name, part in lettering.runs(shown, bold=bold)]


def _width(runs: list[_Run]) -> float:
    return sum(pdfmetrics.stringWidth(text, name, size) for name, size, _c, text in runs)


def _person_lines(content: CertificateContent, name_size: float) -> _Lines | None:
    """The person's details line by line, broken where `_person_parts`'s paragraphs would break
    them (at spaces, as many words on a line as fit); None if a word is too long for its line
    or the name does not fit on one."""
    signed = format_signed_at(content.signed_at)
    paragraphs = {
        "name": [
            *_runs(_NAME_LABEL, _NAME_LABEL_SIZE, _GREY),
            *_runs(content.member_name, name_size, _INK, bold=True),
        ],
        "signed": [
            *_runs("Signed electronically by ", 12, _INK),
            *_runs(content.signature, 12, _INK, bold=True),
            *_runs(f" on {signed}", 12, _INK),
        ],
        "outcome": _runs(_outcome(content.score_percent), 12, _INK),
        "code": _runs(content.code, 17, _INK, bold=True),
        "link": [*_runs(_CHECK_AT, 9.5, _INK), *_runs(content.verify_url, 9.5, _INK)],
    }
    widths = {"code": _WORDS_WIDTH, "link": _WORDS_WIDTH}
    lines: _Lines = {}
    for key, runs in paragraphs.items():
        broken = _break_lines(runs, widths.get(key, TEXT_WIDTH))
        if broken is None:
            return None
        lines[key] = broken
    return lines if len(lines["name"]) == 1 else None


def _break_lines(runs: list[_Run], width: float) -> list[list[_Run]] | None:
    """Greedy line breaking at spaces, as reportlab's Paragraph does for left-aligned text:
    as many words on a line as fit, the space at a break left out."""
    words: list[list[_Run]] = [[]]
    spaces: list[_Run] = []  # the space after each word but the last, in the face it is in
    for name, size, colour, text in runs:
        for number, piece in enumerate(text.split(" ")):
            if number:
                spaces.append((name, size, colour, " "))
                words.append([])
            if piece:
                words[-1].append((name, size, colour, piece))
    if not all(words):
        return None  # doubled spaces: leave it to the paragraph
    if any(_width(word) > width for word in words):
        return None  # a word the paragraph would split
    lines: list[list[_Run]] = []
    used = 0.0
    for index, word in enumerate(words):
        space = spaces[index - 1] if index else None
        added = _width(word) + (_width([space]) if space else 0.0)
        if lines and space and used + added <= width:
            lines[-1] += [space, *word]
            used += added
        else:
            lines.append(list(word))
            used = _width(word)
    return lines


def _render_stamped(content: CertificateContent, template: _Template, lines: _Lines) -> bytes:
    buffer = io.BytesIO()
    canvas = _new_canvas(buffer, content, template.seed)
    for segment, slot in zip(template.segments, (*template.slots, None), strict=True):
        canvas.addLiteral(segment)
        if slot is None:
            continue
        if slot.key == "qr_code":
            canvas.addLiteral(qr_path(content.verify_url, _QR_SIZE))
            continue
        slot_lines = lines[slot.key]
        leading = slot.slot_height / len(slot_lines)
        # As a Paragraph sets it: the first baseline its largest size below the top.
        baseline = slot.slot_height - max(size for _name, size, _c, _text in slot_lines[0])
        for number, runs in enumerate(slot_lines):
            text = canvas.beginText(0, baseline - number * leading)
            for name, size, colour, part in runs:
                text.setFont(name, size)
                text.setFillColor(colour)
                text.textOut(part)
            canvas.drawText(text)
        if slot.key == "link":
            last = baseline - (len(slot_lines) - 1) * leading
            _link(canvas, content.verify_url, slot, slot_lines[-1], last)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _link(canvas: Canvas, url: str, slot: _Slot, runs: list[_Run], baseline: float) -> None:
    """The verification address is a link, as the Paragraph's <link> makes it."""
    x, y = slot.origin
    address = _width(_runs(url, 9.5, _INK))
    end = x + _width(runs)
    canvas.linkURL(url, (end - address, y + baseline - 2, end, y + baseline + 9.5), relative=0)
