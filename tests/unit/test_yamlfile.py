"""Reading YAML safely: policy files are uploaded, so any input gives problems, never a crash."""

from __future__ import annotations

from datetime import date

import pytest

from elearn.content.yamlfile import MAX_CHARACTERS, MAX_DEPTH, parse_yaml

# Each level holds nine of the one before: five levels make 59,049 strings from 200 bytes, and
# a few more make a file of a few hundred bytes that takes a worker minutes and gigabytes.
ALIAS_BOMB = (
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
)


def problems_of(text: str) -> list[str]:
    data, problems = parse_yaml(text, "policy.yaml")
    assert (data is None) == bool(problems)
    return [str(problem) for problem in problems]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x [1]\nb: *x\n", "policy.yaml:2: not valid YAML: aliases (*name) are not allowed"),
        ("a: &a [*a]\n", "policy.yaml:1: not valid YAML: aliases (*name) are not allowed"),
        (ALIAS_BOMB, "policy.yaml:2: not valid YAML: aliases (*name) are not allowed"),
    ],
    ids=["alias", "recursive-alias", "alias-bomb"],
)
def test_aliases_are_refused(text: str, expected: str) -> None:
    [problem] = problems_of(text)
    assert problem.startswith(expected)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        "{" * 100_000,
        "a: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "".join(f"{'  ' * level}k:\n" for level in range(MAX_DEPTH + 2)) + "  " * 30 + "v",
        "- " * 1000 + "x",
    ],
    ids=["flow-sequences", "flow-mappings", "one-too-deep", "block-mappings", "block-sequences"],
)
def test_deep_nesting_is_refused(text: str) -> None:
    [problem] = problems_of(text)
    assert f"nested more than {MAX_DEPTH} levels deep" in problem


def test_nesting_up_to_the_limit_is_read() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    data, problems = parse_yaml(text, "policy.yaml")
    assert problems == []
    assert data is not None


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    [problem] = problems_of("a: " + "b" * MAX_CHARACTERS)
    assert problem == "policy.yaml:1: the file is too long (over 400,000 characters)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: ok\ndate: 2023-02-30\n",
            "policy.yaml:2: not valid YAML: '2023-02-30' is not a real",
        ),
        ("date: 2023-13-45\n", "policy.yaml:1: not valid YAML: '2023-13-45' is not a real date"),
        ("count: 1" + "0" * 5000 + "\n", "policy.yaml:1: not valid YAML: the number 1000"),
        ("count: -" + "9" * 19 + "\n", "policy.yaml:1: not valid YAML: the number -999"),
    ],
    ids=["30-february", "month-13", "5000-digits", "19-digits"],
)
def test_a_value_that_cannot_be_read_is_a_problem_on_its_line(text: str, expected: str) -> None:
    [problem] = problems_of(text)
    assert problem.startswith(expected)


def test_ordinary_values_are_still_read() -> None:
    data, problems = parse_yaml("n: 12\nwhen: 2023-11-01\nclause: 2.10\n", "policy.yaml")
    assert problems == []
    assert data == {"n": 12, "when": date(2023, 11, 1), "clause": "2.10"}
