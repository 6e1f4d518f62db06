"""Typed access to one parsed content file's values, noting each problem with its line instead of
raising, so one run reports everything wrong in a file."""

from __future__ import annotations

from typing import Any

from elearn.content.errors import ContentProblem
from elearn.content.yamlfile import LineDict, LineList


class FileReader:
    """Typed access to one parsed file's values, noting a problem instead of raising."""

    def __init__(self, name: str, problems: list[ContentProblem]) -> None:
        self.name = name
        self.problems = problems

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.name, line, message))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.problem(line, f"{what} should be a set of 'key: value' lines")
        return None

    def text(self, data: LineDict, key: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return ""
        if isinstance(value, bool | LineDict | LineList):
            self.problem(data.line_of(key), f"'{key}' should be text")
            return ""
        text = str(value).strip()
        if required and not text:
            self.problem(data.line_of(key), f"'{key}' is empty")
        return text

    def texts(self, data: LineDict, key: str, *, required: bool = True) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return ()
        if not isinstance(value, LineList):
            self.problem(data.line_of(key), f"'{key}' should be a list")
            return ()
        items = []
        for item, line in zip(value, value.item_lines, strict=True):
            if isinstance(item, LineDict | LineList) or item is None or str(item).strip() == "":
                self.problem(line, f"each item of '{key}' should be a line of text")
                continue
            items.append(str(item).strip())
        return tuple(items)

    def items(self, data: LineDict, key: str, *, required: bool = True) -> list[tuple[Any, int]]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, f"'{key}' is missing")
            return []
        if not isinstance(value, LineList):
            self.problem(data.line_of(key), f"'{key}' should be a list")
            return []
        return list(zip(value, value.item_lines, strict=True))

    def integer(self, data: LineDict, key: str, default: int, low: int, high: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                data.line_of(key), f"'{key}' should be a whole number from {low} to {high}"
            )
            return default
        return value

    def boolean(self, data: LineDict, key: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(data.line_of(key), f"'{key}' should be true or false")
            return default
        return value

    def unknown_keys(self, data: LineDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.problem(
                    data.line_of(key), f"unknown key '{key}' in {what} (expected: {known})"
                )
