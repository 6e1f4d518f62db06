"""The certificate as a PDF: a staff member's signed declaration of receipt of the policy.

`render_certificate` turns a `CertificateContent` into the bytes of a one-page A4 PDF that the
headteacher can print and file. Nothing here knows about Flask or the database; the certificate
service gathers the content and decides what to do with the bytes.

Text is set in DejaVu Sans, shipped in `elearn/fonts`, and embedded as a subset with a Unicode
mapping, so names such as "Nguyễn Thị Ánh" print correctly and copy back out of the PDF exactly.
Equal content gives identical bytes.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
REGULAR_FONT = "ElearnDejaVuSans"
BOLD_FONT = "ElearnDejaVuSans-Bold"

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


@cache
def register_fonts() -> None:
    """Register the bundled DejaVu Sans faces with reportlab, once per process."""
    pdfmetrics.registerFont(TTFont(REGULAR_FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD_FONT, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR_FONT,
        normal=REGULAR_FONT,
        bold=BOLD_FONT,
        italic=REGULAR_FONT,
        boldItalic=BOLD_FONT,
    )


def fit_font_size(
    text: str, font_name: str, max_width: float, largest: float, smallest: float
) -> float:
    """Return the largest size, in half points from `largest` down to `smallest`, at which `text`
    fits on one line of `max_width` points; `smallest` if it fits at none (the caller wraps it).
    """
    register_fonts()
    width_at_one_point = pdfmetrics.stringWidth(text, font_name, 1)
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
    """Draw the certificate and return the PDF's bytes."""
    register_fonts()
    signed = format_signed_at(content.signed_at)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, lang="en-GB", initialFontName=REGULAR_FONT)
    _set_metadata(canvas, content)

    _draw_border(canvas)
    if content.is_specimen:
        _draw_specimen_wash(canvas)
    body_height = _BODY_TOP - _BODY_BOTTOM
    _draw_in_box(canvas, _spread(_body(content, signed), body_height), _BODY_BOTTOM, body_height)
    _draw_in_box(canvas, _verification_panel(content), _PANEL_BOTTOM, _PANEL_HEIGHT)
    if content.is_specimen:
        _draw_specimen_banner(canvas)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- Text -----------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Prepare our own or a person's text for Paragraph markup: composed Unicode, escaped.

    NFC matters: "ễ" typed as "e" plus two combining marks would be drawn as three glyphs, misplace
    the accents and copy out of the PDF as three characters rather than one.
    """
    return escape(unicodedata.normalize("NFC", text))


def _style(name: str, **overrides: Any) -> ParagraphStyle:
    settings: dict[str, Any] = {
        "fontName": REGULAR_FONT,
        "fontSize": 12,
        "leading": 17,
        "textColor": _INK,
        "splitLongWords": 1,
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


def _name_paragraph(content: CertificateContent) -> Paragraph:
    name = unicodedata.normalize("NFC", content.member_name)
    label_width = pdfmetrics.stringWidth(_NAME_LABEL, REGULAR_FONT, _NAME_LABEL_SIZE)
    size = fit_font_size(name, BOLD_FONT, TEXT_WIDTH - label_width, _NAME_LARGEST, _NAME_SMALLEST)
    style = _style("name", fontSize=_NAME_LABEL_SIZE, leading=size * 1.3)
    return Paragraph(
        f'<font color="{_GREY_HEX}">{_plain(_NAME_LABEL)}</font>'
        f'<font name="{BOLD_FONT}" size="{size:g}">{_plain(name)}</font>',
        style,
    )


def _body(content: CertificateContent, signed: str) -> list[Flowable]:
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
    signed_line = (
        _plain("Signed electronically by ")
        + f"<b>{_plain(content.signature)}</b>"
        + _plain(f" on {signed}")
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
        _name_paragraph(content),
        Spacer(0, 8),
        _Rule(TEXT_WIDTH, _RULE_GREY, 0.5),
        Spacer(0, 10),
        Paragraph(signed_line, _DETAIL),
        Spacer(0, 8),
        _Rule(TEXT_WIDTH, _RULE_GREY, 0.5),
        Spacer(0, 10),
        Paragraph(_plain(_outcome(content.score_percent)), _DETAIL),
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


def _verification_panel(content: CertificateContent) -> list[Flowable]:
    url = _plain(content.verify_url)
    href = escape(unicodedata.normalize("NFC", content.verify_url), {'"': "&quot;"})
    words = [
        Paragraph("Certificate code", _LABEL),
        Paragraph(_plain(content.code), _CODE),
        Spacer(0, 8),
        Paragraph(f'Check this certificate at <link href="{href}">{url}</link>', _SMALL),
        Spacer(0, 3),
        Paragraph(
            "Scan the code or visit the address to confirm that the school issued it.",
            _style("hint", fontSize=8.5, leading=12, textColor=_GREY),
        ),
    ]
    table = Table(
        [[words, _qr_code(content.verify_url)]],
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


def _qr_code(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M", barBorder=0)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        _QR_SIZE,
        _QR_SIZE,
        transform=[_QR_SIZE / (right - left), 0, 0, _QR_SIZE / (top - bottom), 0, 0],
        initialFontName=REGULAR_FONT,  # else reportlab adds an unembedded Helvetica to the PDF
    )
    drawing.add(widget)
    return drawing


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
