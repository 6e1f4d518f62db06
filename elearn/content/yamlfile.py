"""YAML read with line numbers, so every problem in a content file can say where it is.

Policy files are uploaded by headteachers, so reading one must be safe on any input: aliases are
refused (a few hundred bytes of nested aliases expand to billions of nodes), so are files larger
than `MAX_CHARACTERS` and nesting deeper than `MAX_DEPTH`, and a value that cannot be read (an
impossible date, a number hundreds of digits long) is a problem on its line like any other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from elearn.content.errors import ContentProblem

# The shipped policy file is about 40,000 characters; a policy ten times as long is still read in
# well under a second. Nothing in a content file needs more than a handful of levels.
MAX_CHARACTERS = 400_000
MAX_DEPTH = 20
# Whole numbers in content are counts and marks; more digits than a 64-bit integer has is a slip.
MAX_DIGITS = 18


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases and deep nesting as it builds the node tree."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed here: write the value out in full",
                problem_mark=event.start_mark,
            )
        is_collection = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        if is_collection and self._depth >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=f"it is nested more than {MAX_DEPTH} levels deep",
                problem_mark=event.start_mark,
            )
        self._depth += is_collection
        try:
            node: yaml.Node = super().compose_node(parent, index)  # type: ignore[no-untyped-call]
        finally:
            self._depth -= is_collection
        return node

    def fetch_flow_collection_start(self, TokenClass: type) -> None:
        # The scanner reads ahead through `[[[[...` before the composer sees any of it, and costs
        # more the deeper it goes: stop it at the same depth.
        if self.flow_level >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=f"it is nested more than {MAX_DEPTH} levels deep",
                problem_mark=self.get_mark(),
            )
        super().fetch_flow_collection_start(TokenClass)  # type: ignore[no-untyped-call]


class LineDict(dict[str, Any]):
    """A mapping that remembers the line it starts on and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that remembers the line it starts on and the line of each item."""

    line: int
    item_lines: list[int]


def _scalar(node: yaml.ScalarNode) -> Any:
    # Content has no real numbers with decimals, but it has clause numbers: `2.10` stays "2.10".
    if node.tag == "tag:yaml.org,2002:float":
        return node.value
    if node.tag == "tag:yaml.org,2002:int" and len(node.value.lstrip("+-")) > MAX_DIGITS:
        raise yaml.MarkedYAMLError(
            problem=f"the number {node.value[:20]}... is too long", problem_mark=node.start_mark
        )
    constructor = yaml.constructor.SafeConstructor()
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:
        what = "a real date" if node.tag == "tag:yaml.org,2002:timestamp" else "readable"
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value[:40]}' is not {what} ({error})", problem_mark=node.start_mark
        ) from None


def read_yaml(path: Path, display_name: str) -> tuple[Any, list[ContentProblem]]:
    """Parse one file; return (data, problems). Data is None when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [ContentProblem(display_name, 1, "file not found")]
    except UnicodeDecodeError as error:
        return None, [ContentProblem(display_name, 1, f"not UTF-8 text ({error.reason})")]
    return parse_yaml(text, display_name)


def parse_yaml(text: str, display_name: str) -> tuple[Any, list[ContentProblem]]:
    """Parse YAML text; return (data, problems). Data is None when it is not valid YAML or it is
    refused (see the module's docstring)."""
    if len(text) > MAX_CHARACTERS:
        return None, [
            ContentProblem(
                display_name, 1, f"the file is too long (over {MAX_CHARACTERS:,} characters)"
            )
        ]
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        data = _convert_tree(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return None, [ContentProblem(display_name, line, f"not valid YAML: {error.problem}")]
    except yaml.YAMLError as error:
        return None, [ContentProblem(display_name, 1, f"not valid YAML: {error}")]
    return data, []


def _convert_tree(node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = LineDict()
        mapping.line = line
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            # Keys are names, taken as written: `true:` is the key "true", not a boolean.
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in mapping:
                raise yaml.MarkedYAMLError(
                    problem=f"the key '{key}' appears twice", problem_mark=key_node.start_mark
                )
            mapping[key] = _convert_tree(value_node)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping
    sequence = LineList(_convert_tree(item) for item in node.value)
    sequence.line = line
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    return sequence
