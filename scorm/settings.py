"""What a package is built with: the standard, and the settings a school chooses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Standard = Literal["1.2", "2004"]
STANDARDS: tuple[Standard, ...] = get_args(Standard)


class PackageError(ValueError):
    """Settings that cannot make a package; the message says what to change."""


@dataclass(frozen=True)
class PackageSettings:
    """What a school chooses for its package; the course itself is the same for everyone.

    `version_label` is the policy version the package teaches and its certificate names;
    `pass_mark` (per cent) is also the manifest's mastery score.
    """

    standard: Standard
    school_name: str
    version_label: str
    pass_mark: int
    assessment_size: int
