"""What the lines of a policy look like: numbers, headings, bullets, dates, page furniture.

Shared by the page-furniture sifter and the outline builder. Pure: plain functions on text.
"""

from __future__ import annotations

import re
import unicodedata

# Word's bullet glyphs survive extraction as these characters ("Ø" and "" come from Wingdings).
BULLET = re.compile(r"(?:[Ø•●◦▪■‣∙·\uf0a7\uf0b7\uf0d8\uf076]\s*|[-*o]\s+)(?=\S)")
PAGE_NUMBER = re.compile(
    r"(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]", re.IGNORECASE
)
SECTION = re.compile(
    r"(?P<word>Section|SECTION|Part|PART)\s+(?P<number>\d{1,2})(?:(?:\s*[:.\-–—]\s*|\s+)(?P<title>\S.*))?"
)
BARE_SECTION = re.compile(r"(?P<number>\d{1,2})\.?\s+(?P<title>[A-Z].*)")
APPENDIX = re.compile(
    r"(?:Appendix|APPENDIX)\s+(?P<letter>[A-Z]|\d{1,2})\b\s*[:.\-–—]?\s*(?P<title>.*)"
)
NUMBERED = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<text>\S.*)")
DECLARATION = re.compile(r"(?:Staff\s+|Employee\s+)?(?:Declaration|Acknowledge?ment)\b", re.I)
FORM_LINE = re.compile(r"\.{4,}|_{4,}|…{2,}")
SCHOOL = re.compile(
    r"\b(?:Schools?|Academy|College|Federation|Trust|Nursery|Infants?|Juniors?|Council|Authority)"
    r"(?:\s*\([^)]*\))?$"
)
DATE_LABEL = re.compile(
    r"\b(?:date|adopted|approved|ratified|agreed|reviewed|review|issued|published|updated)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
ENDS_SENTENCE = re.compile(r"[.!?][’”'\")\]]*$")
TABLE_GAP = re.compile(r"\s{3,}")
MINOR_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on"}
    | {"or", "per", "the", "to", "via", "who", "with"}
)
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
COUNTS = ("No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten")
ORDINALS = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def split_words(text: str) -> list[str]:
    return text.split()


def word_core(word: str) -> str:
    return word.strip("()[]‘’“”'\",;")


def continues(text: str) -> bool:
    """Whether a line reads as the rest of the sentence before it (it starts in lower case)."""
    core = text.lstrip("‘“'\"([")
    return bool(core) and (core[0].islower() or text[0] in ",;:)]")


def ends_sentence(text: str) -> bool:
    return bool(ENDS_SENTENCE.search(text))


def is_heading(text: str, max_words: int = 12) -> bool:
    """A short line that does not end like a sentence: "Objectives", "What is social media?"."""
    words = split_words(text)
    return (
        0 < len(words) <= max_words
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".,;:"
        and ". " not in text
    )


def is_title_case(text: str) -> bool:
    """Every word capitalised except small words: a table header or a document's name."""
    words = split_words(text)
    if len(words) < 2 or not words[0][:1].isupper() or text[-1] in ".,;:":
        return False
    return sentence_start(text) is None


def sentence_start(text: str) -> int | None:
    """Where a table row's first line turns from a name into a sentence, as a word index.

    "Single Equality Policy Use of social networking sites ..." turns at "Use" (3): the capital
    before the first lower-case word that is not a small word. None when the line is all name.
    """
    words = split_words(text)
    for index, word in enumerate(words):
        core = word_core(word)
        if core[:1].isalpha() and core[0].islower() and core.lower() not in MINOR_WORDS:
            start = index
            while start > 0 and word_core(words[start - 1]).lower() in MINOR_WORDS:
                if not word_core(words[start - 1])[:1].islower():
                    break
                start -= 1
            if start > 0 and word_core(words[start - 1])[:1].isupper():
                start -= 1
            return start
    return None


def join_lines(head: str, tail: str) -> str:
    """Unwrap one line onto the text before it; "non-" + "disclosure" is one word again."""
    if not head:
        return tail
    if re.search(r"[^\W\d_]-$", head) and tail[:1].islower():
        return head + tail
    return f"{head} {tail}"


def join_all(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        text = join_lines(text, piece)
    return text


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def date_line(text: str) -> tuple[str, str] | None:
    """("Date adopted by Governing Body", "November 2023") from a date line, else None."""
    label, colon, value = text.partition(":")
    label, value = label.strip(), value.strip()
    if not colon or not label or not value:
        return None
    if len(split_words(label)) > 10 or len(split_words(value)) > 5:
        return None
    if not DATE_LABEL.search(label) or not YEAR.search(value):
        return None
    return label, value


def month_of(text: str) -> str | None:
    """The ISO month of a printed date: "November 2023", "Sept 2024", "14/03/2025" -> "2025-03"."""
    if match := re.search(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})\b", text):
        month, year = int(match[2]), match[3]
    elif match := re.search(r"\b((?:19|20)\d{2})-(\d{1,2})\b", text):
        month, year = int(match[2]), match[1]
    elif match := re.search(r"\b(\d{1,2})[/.-]((?:19|20)\d{2})\b", text):
        month, year = int(match[1]), match[2]
    elif match := YEAR.search(text):
        year = match[0]
        names = [word for word in re.findall(r"[a-z]+", text.lower()) if len(word) >= 3]
        month = next(
            (
                number
                for word in names
                for number, name in enumerate(MONTHS, start=1)
                if name.startswith(word)
            ),
            0,
        )
    else:
        return None
    return f"{year}-{month:02d}" if 1 <= month <= 12 else None


def is_structural(text: str) -> bool:
    return bool(
        NUMBERED.fullmatch(text)
        or SECTION.fullmatch(text)
        or APPENDIX.fullmatch(text)
        or BULLET.match(text)
    )


def count_word(number: int) -> str:
    return COUNTS[number] if number < len(COUNTS) else str(number)


def ordinal_word(number: int) -> str:
    return ORDINALS[number] if number < len(ORDINALS) else f"number {number}"


def and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def opens_body(text: str) -> bool:
    section = SECTION.fullmatch(text)
    if section and (section["title"] is None or is_heading(section["title"], 14)):
        return True
    bare = BARE_SECTION.fullmatch(text)
    return bool(
        NUMBERED.fullmatch(text) or (bare and bare["number"] == "1" and is_heading(bare["title"]))
    )


# --- What is not policy text ----------------------------------------------------------------------

DOT_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|(?:_\s?){4,}")
CONTENTS_HEADING = re.compile(
    r"(?:table\s+of\s+)?contents?(?:\s+page)?|index|contents\s+and\s+page\s+numbers?",
    re.IGNORECASE,
)
# "3. Roles and responsibilities ........ 5", "Appendix A 12", "Error! Bookmark not defined."
CONTENTS_ENTRY = re.compile(
    r"(?P<entry>.*?\S)?\s*(?:(?:\.\s?){3,}|…+|\t|\s)\s*(?P<page>\d{1,3}|[ivx]{1,5})"
    r"|(?P<entry2>.*?)\s*Error!\s+Bookmark\s+not\s+defined\.?",
    re.IGNORECASE,
)
HISTORY_HEADING = re.compile(
    r"(?:(?:document|version|revision|change|amendment|review|policy)\s+"
    r"(?:control|history|log|record|information|details|status|tracking)"
    r"|record\s+of\s+(?:changes|amendments|reviews?)|document\s+properties|monitoring\s+and\s+"
    r"review\s+history)\s*:?",
    re.IGNORECASE,
)
HISTORY_WORDS = frozenset(
    {"version", "revision", "date", "author", "owner", "changes", "change", "description",
     "amendment", "amendments", "approved", "approval", "reviewed", "status", "summary",
     "page", "section", "details", "comments", "by", "no", "no.", "v", "edition", "ratified"}
)  # fmt: skip
DATE_TOKEN = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|"
    r"aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
VERSION_TOKEN = re.compile(r"v?\d{1,2}(?:\.\d{1,2}){0,2}\b", re.IGNORECASE)
# A footer run into the last line of a page: "... an offence. Children, Families and Education
# Directorate page 38 April 2007." or "... in the school. Page 3 of 12".
TRAILING_FOOTER = re.compile(
    r"(?<=[.!?;:])\s+(?P<footer>(?:[A-Z][^.!?]{0,80}?\s)?(?:page|pg\.?|p\.)\s*\d{1,4}"
    r"(?:\s*(?:of|/)\s*\d{1,4})?(?:\s+[^.!?]{0,30}?(?:19|20)\d{2})?\.?)\s*$",
    re.IGNORECASE,
)
BARE_NUMBER = re.compile(
    r"(?:(?:Section|SECTION|Part|PART)\s+)?\d{1,2}(?:\.\d{1,2}){0,3}\.?|\(?[a-z]\)|\(?[ivx]{1,4}\)"
)
# "(a)", "a)", "(iv)", "iv)", "i.", "a." at the start of a sub-item within a clause.
SUB_ITEM = re.compile(r"(?:\((?:[a-z]|[ivx]{1,5})\)|(?:[a-z]|[ivx]{1,5})[.)])\s+(?=\S)")
PLACEHOLDER = re.compile(
    r"\[(?:[^\]]{0,40}\b(?:insert|name|school|date|academy|trust|enter|add|headteacher|"
    r"principal|contact|number|details|email|address|tbc)\b[^\]]{0,40})\]|<<[^>]{1,40}>>|\bX{3,}\b"
    r"|\{\{[^}]{1,40}\}\}",
    re.IGNORECASE,
)
VERSION_LINE = re.compile(
    r"(?:Version|Issue|Revision)(?:\s+(?:number|no\.?))?\s*[:.\-–]?\s*(?P<version>v?\d{1,2}(?:\.\d{1,2}){0,2})"
    r"(?:\s*[,–\-]\s*(?P<rest>.*))?",
    re.IGNORECASE,
)
FIELD_LABEL = re.compile(
    r"(?:(?:print(?:ed)?\s+)?name|signed|signature|date|position|job\s+title|role|"
    r"headteacher|head\s+teacher|principal|chair\s+of\s+(?:the\s+)?(?:governors|governing\s+"
    r"(?:body|board)|trustees)|on\s+behalf\s+of[^:]*|employee|staff\s+member|witness)"
    r"(?:\s*\(.*?\))?\s*:?",
    re.IGNORECASE,
)
POLICY_WORDS = re.compile(
    r"\b(?:policy|policies|procedures?|code\s+of\s+conduct|guidance|guidelines|statement|"
    r"protocol|charter|agreement|framework|handbook|strategy)\b",
    re.IGNORECASE,
)


def is_contents_entry(text: str) -> bool:
    """A contents line: a heading with dot leaders or a page number at the end."""
    if "Error! Bookmark not defined" in text or "Error! Reference source not found" in text:
        return True
    match = CONTENTS_ENTRY.fullmatch(text)
    if not match or match["entry"] is None:
        return False
    entry = match["entry"]
    if DOT_LEADER.search(text):
        return True
    return (
        len(split_words(entry)) <= 14
        and not ends_sentence(entry)
        and entry[-1] not in ",;:"
        and (entry[0].isupper() or entry[0].isdigit())
    )


def is_form_field(text: str) -> bool:
    """A signature or date field: "Signed: ________", "Date ........", "Name:" on its own."""
    if DOT_LEADER.search(text) or re.search(r"_{3,}", text):
        rest = re.sub(r"(?:\.\s?){4,}|…+|_{3,}", " ", text)
        return len(split_words(rest)) <= 12
    return bool(FIELD_LABEL.fullmatch(text)) and text.rstrip().endswith(":")


def is_history_header(cells: list[str]) -> bool:
    """A version-control table's header row: "Version | Date | Author | Changes"."""
    found = 0
    has_key = False
    for cell in cells:
        cell_words = {word.strip(".:()").lower() for word in cell.split()}
        if cell_words & {"version", "revision", "amendment", "amendments", "edition", "v"}:
            has_key = True
        if cell_words & HISTORY_WORDS:
            found += 1
    return has_key and found >= 2
