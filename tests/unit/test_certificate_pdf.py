"""The certificate PDF: what a reader can copy out of it, where the text sits and how it is built.

Text is read back with pypdf, as a headteacher's PDF reader would. Positions come from a small
interpreter of the page's content stream below (`text_runs`), which measures every run of text with
the widths stored in the PDF itself, so a line that ran past the margin would be caught.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
import segno
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from elearn import lettering
from elearn.certificates import pdf as pdf_module
from elearn.certificates.pdf import (
    BOLD_FONT,
    MARGIN,
    REGULAR_FONT,
    SPECIMEN_MARK,
    CertificateContent,
    fit_font_size,
    format_signed_at,
    register_fonts,
    render_certificate,
)

# The policy prints a typographic apostrophe, and so must the certificate.
APOSTROPHE = "\N{RIGHT SINGLE QUOTATION MARK}"
SCHOOL = f"Thorner{APOSTROPHE}s Church of England VA Primary School"
DECLARATION = (
    f"I confirm that I have read Thorner{APOSTROPHE}s Social Networking Policy and understand "
    "that any unlawful or unsafe behaviour could lead to appropriate legal or disciplinary action "
    "being taken."
)
CODE = "7KQ2-M9XD-4RTA-PW3H"
URL = f"https://training.example.sch.uk/verify/{CODE}"
PAGE_WIDTH, PAGE_HEIGHT = A4

NAMES = pytest.mark.parametrize(
    "name",
    ["Siân Ó Súilleabháin", "Łucja Wąsowska-Öztürk", "Nguyễn Thị Ánh"],
    ids=["irish", "polish-turkish", "vietnamese"],
)
LONG_NAMES = pytest.mark.parametrize(
    "name",
    [
        "Dr Maximilian Alexander Fitzwilliam-Montgomery-Smythe-Ponsonby of the Upper Wold",
        ("Montgomery-Smythe " * 7)[:120],
        ("Wolfeschlegelsteinhausenbergerdorff" * 4)[:120],
    ],
    ids=["ponsonby-of-the-upper-wold", "120-characters-in-words", "120-characters-in-one-word"],
)
MARKUP_NAMES = pytest.mark.parametrize(
    "name",
    ["<b>Bob & Co</b>", "Tom &amp; Jerry", '<font size="40">Big</font>'],
    ids=["bold-tag-and-ampersand", "entity", "font-tag"],
)


def make_content(**overrides: Any) -> CertificateContent:
    values: dict[str, Any] = {
        "school": SCHOOL,
        "policy_title": "Social Networking Policy",
        "policy_version": "November 2023",
        "declaration_title": "Declaration of receipt",
        "declaration_text": DECLARATION,
        "member_name": "Nguyễn Thị Ánh",
        "signed_at": datetime(2025, 3, 14, 10, 42, tzinfo=UTC),
        "score_percent": 92,
        "code": CODE,
        "verify_url": URL,
        **overrides,
    }
    values.setdefault("signature", values["member_name"])
    return CertificateContent(**values)


@cache
def rendered(content: CertificateContent) -> bytes:
    return render_certificate(content)


def page_text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def page_lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in page_text(pdf).splitlines()]


def flattened(text: str) -> str:
    """The text with every run of white space, line breaks included, as one space."""
    return " ".join(text.split())


# --- Measuring where text sits --------------------------------------------------------------------

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t,
            e * q + f * s + u)  # fmt: skip


def as_matrix(numbers: list[float]) -> Matrix:
    a, b, c, d, e, f = numbers
    return (a, b, c, d, e, f)


def translate(x: float, y: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, x, y)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


@dataclass(frozen=True)
class TextRun:
    """Where one shown string's baseline starts and ends on the page, in points."""

    left: float
    right: float
    bottom: float
    top: float


@dataclass
class TextState:
    ctm: Matrix = IDENTITY
    font: DictionaryObject | None = None
    size: float = 0.0
    leading: float = 0.0
    char_space: float = 0.0
    word_space: float = 0.0
    scale: float = 1.0


def text_runs(pdf: bytes) -> list[TextRun]:
    """Follow the page's text operators (PDF 32000-1, 9.4) and measure each shown string."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = page["/Resources"]["/Font"]
    state, saved = TextState(), []
    line = matrix = IDENTITY
    runs: list[TextRun] = []

    def next_line(x: float, y: float) -> None:
        nonlocal line, matrix
        line = matrix = multiply(translate(x, y), line)

    def show(string: Any) -> None:
        nonlocal matrix
        assert state.font is not None, "text shown before a font was set"
        codes = string.get_original_bytes() if isinstance(string, TextStringObject) else string
        first, widths = int(state.font["/FirstChar"]), state.font["/Widths"]
        advance = 0.0
        for code in bytes(codes):
            width = float(widths[code - first]) / 1000 * state.size
            space = state.word_space if code == 32 else 0.0
            advance += (width + state.char_space + space) * state.scale
        placed = multiply(matrix, state.ctm)
        (x0, y0), (x1, y1) = apply(placed, 0, 0), apply(placed, advance, 0)
        runs.append(TextRun(min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)))
        matrix = multiply(translate(advance, 0), matrix)

    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        numbers = [float(value) for value in operands if isinstance(value, int | float)]
        match operator:
            case b"q":
                saved.append(TextState(**vars(state)))
            case b"Q":
                state = saved.pop()
            case b"cm":
                state.ctm = multiply(as_matrix(numbers), state.ctm)
            case b"BT":
                line = matrix = IDENTITY
            case b"Tm":
                line = matrix = as_matrix(numbers)
            case b"Td":
                next_line(*numbers)
            case b"TD":
                state.leading = -numbers[1]
                next_line(*numbers)
            case b"T*":
                next_line(0, -state.leading)
            case b"TL":
                state.leading = numbers[0]
            case b"Tc":
                state.char_space = numbers[0]
            case b"Tw":
                state.word_space = numbers[0]
            case b"Tz":
                state.scale = numbers[0] / 100
            case b"Tf":
                state.font, state.size = fonts[operands[0]].get_object(), numbers[0]
            case b"Tj":
                show(operands[0])
            case b"'":
                next_line(0, -state.leading)
                show(operands[0])
            case b'"':
                state.word_space, state.char_space = numbers[0], numbers[1]
                next_line(0, -state.leading)
                show(operands[2])
            case b"TJ":
                for item in operands[0]:
                    if isinstance(item, int | float):
                        shift = -float(item) / 1000 * state.size * state.scale
                        matrix = multiply(translate(shift, 0), matrix)
                    else:
                        show(item)
    return runs


def outside_margins(run: TextRun) -> bool:
    tolerance = 0.01
    return (
        run.left < MARGIN - tolerance
        or run.right > PAGE_WIDTH - MARGIN + tolerance
        or run.bottom < MARGIN - tolerance
        or run.top > PAGE_HEIGHT - MARGIN + tolerance
    )


def test_text_runs_measure_a_line_as_reportlab_does() -> None:
    # Guards the margin tests below: a line known to overrun the page must be measured as such.
    register_fonts()
    text = "Wąsowska-Öztürk " * 12
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=REGULAR_FONT)
    canvas.setFont(BOLD_FONT, 14)
    canvas.drawString(MARGIN, 400, text)
    canvas.showPage()
    canvas.save()

    [run] = text_runs(buffer.getvalue())

    assert run.left == pytest.approx(MARGIN)
    assert run.right == pytest.approx(MARGIN + stringWidth(text, BOLD_FONT, 14), abs=0.01)
    assert outside_margins(run)


# --- What can be copied out -----------------------------------------------------------------------


@NAMES
def test_name_copies_out_of_the_pdf_exactly(name: str) -> None:
    assert f"Name: {name}" in page_lines(rendered(make_content(member_name=name)))


@NAMES
def test_declaration_sentence_is_printed_verbatim(name: str) -> None:
    assert DECLARATION in flattened(page_text(rendered(make_content(member_name=name))))


@NAMES
def test_certificate_code_is_printed(name: str) -> None:
    assert CODE in page_lines(rendered(make_content(member_name=name)))


@NAMES
def test_certificate_says_where_to_check_it(name: str) -> None:
    text = flattened(page_text(rendered(make_content(member_name=name))))

    assert f"Check this certificate at {URL}" in text


def test_name_typed_with_combining_accents_is_printed_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")

    lines = page_lines(rendered(make_content(member_name=decomposed)))

    assert "Name: Nguyễn Thị Ánh" in lines


@pytest.mark.parametrize(
    "line",
    [SCHOOL, "Social Networking Policy", "Version: November 2023", "Declaration of receipt"],
    ids=["school", "policy-title", "policy-version", "declaration-title"],
)
def test_heading_names_the_school_policy_version_and_declaration(line: str) -> None:
    assert line in page_lines(rendered(make_content()))


def test_signature_is_printed_with_the_uk_date_and_time_of_signing() -> None:
    content = make_content(
        member_name="Siân Ó Súilleabháin",
        signature="Siân Ó Súilleabháin",
        signed_at=datetime(2025, 7, 1, 9, 5, tzinfo=UTC),
    )

    lines = page_lines(rendered(content))

    assert "Signed electronically by Siân Ó Súilleabháin on 1 July 2025 at 10:05 BST" in lines


def test_assessment_score_is_printed_as_a_percentage() -> None:
    assert "Assessment score: 92%" in page_lines(rendered(make_content(score_percent=92)))


@MARKUP_NAMES
def test_markup_in_a_name_is_printed_literally(name: str) -> None:
    assert f"Name: {name}" in page_lines(rendered(make_content(member_name=name)))


@MARKUP_NAMES
def test_markup_in_a_signature_is_printed_literally(name: str) -> None:
    text = flattened(page_text(rendered(make_content(signature=name))))

    assert f"Signed electronically by {name} on" in text


def test_verification_url_is_a_link() -> None:
    page = PdfReader(io.BytesIO(rendered(make_content()))).pages[0]

    uris = [annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]]

    assert uris == [URL]


# --- Layout ---------------------------------------------------------------------------------------


@LONG_NAMES
def test_long_name_keeps_every_line_inside_the_margins(name: str) -> None:
    runs = text_runs(rendered(make_content(member_name=name)))

    assert runs
    assert [run for run in runs if outside_margins(run)] == []


@LONG_NAMES
def test_long_name_is_printed_in_full(name: str) -> None:
    text = page_text(rendered(make_content(member_name=name)))

    assert "".join(name.split()) in "".join(text.split())


@NAMES
def test_usual_name_keeps_every_line_inside_the_margins(name: str) -> None:
    runs = text_runs(rendered(make_content(member_name=name, is_specimen=True)))

    assert [run for run in runs if outside_margins(run)] == []


def test_certificate_is_one_a4_page() -> None:
    reader = PdfReader(io.BytesIO(rendered(make_content())))

    [page] = reader.pages
    assert float(page.mediabox.width) == pytest.approx(595.27, abs=0.01)
    assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.01)


def test_fit_font_size_keeps_the_largest_size_when_the_text_fits() -> None:
    assert fit_font_size("Nguyễn Thị Ánh", BOLD_FONT, 400, largest=20, smallest=12) == 20


def test_fit_font_size_shrinks_text_until_it_fits() -> None:
    text = "Łucja Wąsowska-Öztürk-Montgomery"

    size = fit_font_size(text, BOLD_FONT, 300, largest=20, smallest=8)

    assert 8 < size < 20
    assert stringWidth(text, BOLD_FONT, size) <= 300
    assert stringWidth(text, BOLD_FONT, size + 0.5) > 300


def test_fit_font_size_stops_at_the_smallest_size_for_text_that_must_wrap() -> None:
    text = ("Wolfeschlegelsteinhausenbergerdorff" * 4)[:120]

    assert fit_font_size(text, BOLD_FONT, 300, largest=20, smallest=12) == 12


# --- Specimens ------------------------------------------------------------------------------------


def test_specimen_carries_the_specimen_mark() -> None:
    assert SPECIMEN_MARK in page_lines(rendered(make_content(is_specimen=True)))


def test_real_certificate_carries_no_specimen_mark() -> None:
    assert "SPECIMEN" not in page_text(rendered(make_content(is_specimen=False))).upper()


def test_specimen_says_so_in_its_title() -> None:
    reader = PdfReader(io.BytesIO(rendered(make_content(is_specimen=True))))

    assert reader.metadata is not None
    assert reader.metadata.title.startswith("SPECIMEN")


# --- The file -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", "Declaration of receipt, Social Networking Policy: Nguyễn Thị Ánh"),
        ("author", SCHOOL),
        (
            "subject",
            "Declaration of receipt for the Social Networking Policy (version: November 2023), "
            f"certificate {CODE}",
        ),
    ],
    ids=["title", "author", "subject"],
)
def test_metadata_describes_the_certificate(field: str, expected: str) -> None:
    reader = PdfReader(io.BytesIO(rendered(make_content())))

    assert reader.metadata is not None
    assert getattr(reader.metadata, field) == expected


def test_every_font_is_embedded() -> None:
    page = PdfReader(io.BytesIO(rendered(make_content(is_specimen=True)))).pages[0]

    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]

    assert fonts
    assert all("/FontFile2" in font["/FontDescriptor"] for font in fonts)


def test_text_is_set_in_dejavu_sans() -> None:
    page = PdfReader(io.BytesIO(rendered(make_content()))).pages[0]

    names = sorted(
        str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()
    )

    assert [name.split("+")[-1] for name in names] == ["DejaVuSans", "DejaVuSans-Bold"]


def test_equal_content_gives_identical_bytes() -> None:
    assert render_certificate(make_content()) == render_certificate(make_content())


def test_registering_the_fonts_again_changes_nothing() -> None:
    register_fonts()
    first = render_certificate(make_content())

    register_fonts()

    assert render_certificate(make_content()) == first


# --- Time -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed_at", "expected"),
    [
        (datetime(2025, 1, 6, 16, 30, tzinfo=UTC), "6 January 2025 at 16:30 GMT"),
        (datetime(2025, 3, 30, 0, 59, tzinfo=UTC), "30 March 2025 at 00:59 GMT"),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), "30 March 2025 at 02:00 BST"),
        (datetime(2025, 7, 31, 23, 30, tzinfo=UTC), "1 August 2025 at 00:30 BST"),
    ],
    ids=["winter", "last-minute-of-gmt", "first-minute-of-bst", "summer-night-after-midnight"],
)
def test_signing_time_is_given_in_uk_time(signed_at: datetime, expected: str) -> None:
    assert format_signed_at(signed_at) == expected


def test_signing_time_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_signed_at(datetime(2025, 3, 14, 10, 42))  # noqa: DTZ001


# --- The QR code ----------------------------------------------------------------------------------

QR_PATH = re.compile(rb"q 0 g [\d.]+ 0 0 [\d.]+ [\d.]+ [\d.]+ cm ((?:\d+ \d+ \d+ 1 re ?)+) f Q")


def qr_modules(pdf: bytes) -> list[list[bool]]:
    """The dark and light modules of the QR code drawn on the page, top row first."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents()
    assert content is not None
    match = QR_PATH.search(content.get_data())
    assert match, "no QR code on the page"
    runs = [tuple(map(int, run.split()[:3])) for run in match.group(1).split(b" re")]
    runs = [run for run in runs if len(run) == 3]
    count = max(x + width for x, _y, width in runs)
    modules = [[False] * count for _ in range(count)]
    for x, y, width in runs:
        for column in range(x, x + width):
            modules[count - 1 - y][column] = True
    return modules


def encodes(pdf: bytes, data: str) -> bool:
    """True if the page's QR code holds `data`: it is the symbol segno makes for it (at level M,
    with whichever of the eight mask patterns it was drawn with)."""
    drawn = qr_modules(pdf)
    return any(
        [list(map(bool, row)) for row in segno.make(data, error="m", mask=mask, micro=False,
                                                     boost_error=False).matrix] == drawn
        for mask in range(8)
    )  # fmt: skip


def test_the_qr_code_holds_the_verification_address() -> None:
    pdf = rendered(make_content())
    assert encodes(pdf, URL)
    assert not encodes(pdf, URL.replace("7KQ2", "7KQ3"))


def test_the_qr_code_is_one_path() -> None:
    content = PdfReader(io.BytesIO(rendered(make_content()))).pages[0].get_contents()
    assert content is not None
    assert len(QR_PATH.findall(content.get_data())) == 1


# --- Names in other scripts -----------------------------------------------------------------------

OTHER_SCRIPTS = pytest.mark.parametrize(
    ("name", "face"),
    [
        ("王小明", "DroidSansFallback"),
        ("佐藤 はなこ", "DroidSansFallback"),
        ("김민준", "DroidSansFallback"),
        ("محمد علي", "NotoSansArabic-Bold"),
        ("Zoë 🙂 Smith", "Symbola"),
    ],
    ids=["chinese", "japanese", "korean", "arabic", "emoji"],
)


def fonts_of(pdf: bytes) -> list[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return [
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for font in page["/Resources"]["/Font"].values()
    ]


@OTHER_SCRIPTS
def test_a_name_in_another_script_is_drawn_in_a_face_that_has_it(name: str, face: str) -> None:
    assert face in fonts_of(rendered(make_content(member_name=name)))


@pytest.mark.parametrize(
    "name", ["王小明", "佐藤 はなこ", "김민준"], ids=["chinese", "japanese", "korean"]
)
def test_a_chinese_japanese_or_korean_name_copies_out_of_the_pdf(name: str) -> None:
    assert f"Name: {name}" in page_lines(rendered(make_content(member_name=name)))


def test_an_arabic_name_is_joined_and_drawn_right_to_left() -> None:
    # محمد: meem, hah, meem, dal. Drawn left to right on the page, the final dal comes first,
    # then medial meem, medial hah and the initial meem, each in its joined form.
    drawn = "\N{ARABIC LETTER DAL FINAL FORM}\N{ARABIC LETTER MEEM MEDIAL FORM}"
    drawn += "\N{ARABIC LETTER HAH MEDIAL FORM}\N{ARABIC LETTER MEEM INITIAL FORM}"
    assert lettering.visual("محمد") == drawn
    # A reader takes the line back in reading order: the same joined letters, right to left.
    assert f"Name: {drawn[::-1]}" in page_lines(rendered(make_content(member_name="محمد")))


@OTHER_SCRIPTS
def test_a_name_in_another_script_keeps_every_line_inside_the_margins(name: str, face: str) -> None:
    runs = text_runs(rendered(make_content(member_name=name, is_specimen=True)))
    assert [run for run in runs if outside_margins(run)] == []


@pytest.mark.parametrize(
    "name",
    ["प्रिया शर्मा", "தமிழ்செல்வி", "🦩 Flamingo"],
    ids=["devanagari", "tamil", "emoji-newer-than-the-font"],
)
def test_a_name_no_bundled_face_can_draw_is_refused_with_the_characters(name: str) -> None:
    problem = lettering.refusal(name, "The name")
    assert problem is not None
    assert problem.startswith("The name has characters that cannot be printed on a certificate")


@pytest.mark.parametrize("name", ["王小明", "محمد علي", "Zoë 🙂", "Ελένη", "Олена"])
def test_a_name_the_bundled_faces_can_draw_is_not_refused(name: str) -> None:
    assert lettering.refusal(name, "The name") is None


# --- Stamping the shared page ---------------------------------------------------------------------


def lines_drawn(pdf: bytes) -> list[tuple[float, float, float]]:
    """Each line of text on the page: its baseline, and where it starts and ends."""
    lines: dict[float, tuple[float, float]] = {}
    for run in text_runs(pdf):
        low, high = lines.get(round(run.bottom, 2), (PAGE_WIDTH, 0.0))
        lines[round(run.bottom, 2)] = (min(low, run.left), max(high, run.right))
    return [(y, round(left, 2), round(right, 2)) for y, (left, right) in sorted(lines.items())]


STAMPED = pytest.mark.parametrize(
    ("name", "score", "is_specimen"),
    [
        ("Amelia Hart", 92, False),
        ("Nguyễn Thị Ánh", None, True),
        ("Mary-Jane O'Connor-Fitzgerald", 80, False),
        ("王小明", 100, False),
        ("محمد علي", 85, True),
    ],
    ids=["short", "vietnamese-specimen", "signature-wraps", "chinese", "arabic-specimen"],
)


@STAMPED
def test_a_certificate_is_stamped_into_the_shared_page(
    name: str, score: int | None, is_specimen: bool
) -> None:
    content = make_content(member_name=name, score_percent=score, is_specimen=is_specimen)
    assert pdf_module._stamp_template(content) is not None


@STAMPED
def test_a_stamped_certificate_sets_every_line_where_drawing_it_in_full_does(
    name: str, score: int | None, is_specimen: bool
) -> None:
    content = make_content(member_name=name, score_percent=score, is_specimen=is_specimen)
    stamped = render_certificate(content)
    assert lines_drawn(stamped) == lines_drawn(pdf_module._render_in_full(content))
    assert page_lines(stamped) == page_lines(pdf_module._render_in_full(content))


def test_the_pdf_is_dated_when_the_declaration_was_signed() -> None:
    signed_at = datetime(2025, 7, 1, 9, 5, 30, tzinfo=UTC)
    reader = PdfReader(io.BytesIO(rendered(make_content(signed_at=signed_at))))
    assert reader.metadata is not None
    assert reader.metadata.creation_date == signed_at
    assert reader.metadata.modification_date == signed_at
