"""Documents (docx, pdf, txt, md) -> outline -> policy file; every source line accounted for.

One pipeline for every format: a reader turns the document into lines with their evidence
(`source`), the page furniture is set aside with its reasons (`furniture`), the rest is read into
sections, subsections and clauses (`outline`), and `elearn.content.policy_file.policy_to_yaml`
writes the result. `compare.is_new_version_of` tells whether a document is a new version of a
policy or another policy altogether. Pure: no Flask, no database, no file I/O.
"""

from __future__ import annotations

from elearn.importing.api import ImportResult, import_document, import_text
from elearn.importing.compare import is_new_version_of
from elearn.importing.source import LineFate, PolicyImportError

__all__ = [
    "ImportResult",
    "LineFate",
    "PolicyImportError",
    "import_document",
    "import_text",
    "is_new_version_of",
]
