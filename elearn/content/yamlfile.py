"""YAML read with line numbers, so every problem in a content file can say where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from elearn.content.errors import ContentProblem


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
    constructor = yaml.constructor.SafeConstructor()
    return constructor.construct_object(node, deep=True)


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
    """Parse YAML text; return (data, problems). Data is None when it is not valid YAML."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
