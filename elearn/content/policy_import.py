"""Plain text into a `Policy`: the text door of `elearn.importing`, kept for its callers.

`import_policy` reads a policy's text (copied out of a PDF or Word file, or written as text) through
the importing pipeline. Pure: no file I/O and no Flask.
"""

from __future__ import annotations

from elearn.content.schema import Policy
from elearn.importing import PolicyImportError, import_text
from elearn.importing.patterns import month_of

__all__ = ["PolicyImportError", "import_policy", "month_of"]


def import_policy(
    text: str,
    *,
    version: str | None = None,
    school: str | None = None,
    title: str | None = None,
) -> Policy:
    """Read a policy's text into a `Policy`, with a warning for each defect found.

    `version` is what certificates print; it defaults to the version or the adoption date the
    document gives. Raises `PolicyImportError` only when the text holds no policy at all.
    """
    return import_text(text, version=version, school=school, title=title).policy
