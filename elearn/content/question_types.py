"""Every kind of question, in one registry: how its options are written in a lesson file and
checked, how it is drawn and graded, how a form asks for the answer, and how a learning platform
records it. A new kind of question is one new entry here.

Pure: no Flask, no database. The loader, the assessment, the forms, the content checks and the
SCORM package all ask `kind_of(question)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from elearn.content.reader import FileReader
from elearn.content.schema import Option, Question, QuestionType
from elearn.content.yamlfile import LineDict

OPTION_KEYS = "abcdefgh"
OptionReader = Callable[[FileReader, LineDict, tuple[str, ...], set[str]], tuple[Option, ...]]


def clause_list(
    reader: FileReader, data: LineDict, key: str, clause_ids: set[str], *, required: bool
) -> tuple[str, ...]:
    """The clause ids listed under `key`; each must be in the policy."""
    cited = reader.texts(data, key, required=required)
    for clause_id in cited:
        if clause_id not in clause_ids:
            reader.problem(data.line_of(key), f"clause '{clause_id}' is not in the policy")
    return cited


def _written_options(
    reader: FileReader, data: LineDict, clauses: tuple[str, ...], clause_ids: set[str]
) -> tuple[Option, ...]:
    """Options written out in full under `options`, each with its feedback, keyed a, b, c..."""
    options = []
    items = reader.items(data, "options")
    if items and not 2 <= len(items) <= len(OPTION_KEYS):
        reader.problem(data.line_of("options"), f"a question needs 2 to {len(OPTION_KEYS)} options")
    for index, (item, line) in enumerate(items[: len(OPTION_KEYS)]):
        option = reader.mapping(item, line, "an option")
        if option is None:
            continue
        reader.unknown_keys(option, {"text", "correct", "feedback", "clauses"}, "an option")
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            reader.problem(option.line_of("correct"), "'correct' should be true or false")
            correct = False
        own_clauses = clause_list(reader, option, "clauses", clause_ids, required=False)
        options.append(
            Option(
                key=OPTION_KEYS[index],
                text=reader.text(option, "text"),
                is_correct=correct,
                feedback=reader.text(option, "feedback"),
                clauses=own_clauses or clauses,
            )
        )
    return tuple(options)


def _true_or_false(
    reader: FileReader, data: LineDict, clauses: tuple[str, ...], _clause_ids: set[str]
) -> tuple[Option, ...]:
    """A statement's two options, True and False, from `answer` and a feedback line for each."""
    answer = data.get("answer")
    if not isinstance(answer, bool):
        reader.problem(
            data.line_of("answer"), "a true_false question needs 'answer: true' or 'false'"
        )
        return ()
    feedback = reader.mapping(data.get("feedback"), data.line_of("feedback"), "'feedback'")
    if feedback is None:
        return ()
    texts = {}
    for choice in (True, False):
        name = "true" if choice else "false"
        value = feedback.get(name)
        if value is None or not str(value).strip():
            reader.problem(feedback.line, f"'feedback' needs a '{name}' line")
        texts[choice] = str(value or "").strip()
    return (
        Option("a", "True", answer is True, texts[True], clauses),
        Option("b", "False", answer is False, texts[False], clauses),
    )


@dataclass(frozen=True)
class QuestionKind:
    """One kind of question and everything that differs between kinds."""

    type: QuestionType
    description: str  # in the content checks' messages
    read_options: OptionReader  # from its lesson file
    right_answers: range  # how many options may be right
    # True or false always reads True, then False: its options are never shuffled, and the
    # checks for answers given away by their length or position do not apply.
    has_fixed_options: bool
    input: Literal["radios", "checkboxes"]  # how a form asks for the answer
    hint: str  # shown with the answer field; empty for none
    scorm_interaction: Literal["choice", "true-false"]  # how a learning platform records it

    def check_right_answers(
        self, reader: FileReader, data: LineDict, options: tuple[Option, ...]
    ) -> None:
        if not options:
            return
        right = sum(option.is_correct for option in options)
        if right not in self.right_answers:
            line = data.line_of("options") if "options" in data else data.line
            least = self.right_answers.start
            wanted = (
                "exactly one correct option"
                if len(self.right_answers) == 1
                else (f"{'two' if least == 2 else least} or more correct options")
            )
            reader.problem(line, f"a {self.description} question needs {wanted}, not {right}")

    def is_right(self, question: Question, selected: frozenset[str]) -> bool:
        """Right only when exactly the right options were chosen, no more and no fewer."""
        return selected == question.correct_keys


QUESTION_TYPES: dict[QuestionType, QuestionKind] = {
    kind.type: kind
    for kind in (
        QuestionKind(
            type=QuestionType.SINGLE,
            description="single-choice",
            read_options=_written_options,
            right_answers=range(1, 2),
            has_fixed_options=False,
            input="radios",
            hint="",
            scorm_interaction="choice",
        ),
        QuestionKind(
            type=QuestionType.MULTIPLE,
            description="multiple-response",
            read_options=_written_options,
            right_answers=range(2, len(OPTION_KEYS) + 1),
            has_fixed_options=False,
            input="checkboxes",
            hint="Select all that apply.",
            scorm_interaction="choice",
        ),
        QuestionKind(
            type=QuestionType.TRUE_FALSE,
            description="true or false",
            read_options=_true_or_false,
            right_answers=range(1, 2),
            has_fixed_options=True,
            input="radios",
            hint="",
            scorm_interaction="true-false",
        ),
    )
}


def kind_of(question: Question) -> QuestionKind:
    return QUESTION_TYPES[question.type]
