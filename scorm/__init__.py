"""The SCORM exporter: one policy's course as a SCORM 1.2 or SCORM 2004 package for a learning
platform.

It reads the course through `elearn.content` and nothing else of the app: no Flask, no database.
`build_package` is the one entry point; `elearn scorm build` (in `scorm.cli`) wraps it.
"""

from __future__ import annotations

from scorm.build import build_package, package_name
from scorm.settings import STANDARDS, PackageError, PackageSettings, Standard

__all__ = [
    "STANDARDS",
    "PackageError",
    "PackageSettings",
    "Standard",
    "build_package",
    "package_name",
]
