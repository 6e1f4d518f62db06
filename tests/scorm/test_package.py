"""The packages as files: names, manifest (against the official schemas), contents, size."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from elearn.cli import main
from elearn.content.loader import load_course
from scorm import PackageError, build_package, package_name
from scorm.sco import MAX_SUSPEND_DATA_12, decode_answers, max_suspend_data_length
from tests.conftest import FIXTURE_LIBRARY, SHIPPED_COURSE_DIR
from tests.scorm.conftest import COURSE_FOLDERS, SCHOOL
from tests.scorm.manifest_schema import SCHEMAS, schema_errors
from tests.scorm.platform import Package

MAX_PACKAGE_BYTES = 300 * 1024
NS = {
    "1.2": {
        "cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
        "md": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
    },
    "2004": {
        "cp": "http://www.imsglobal.org/xsd/imscp_v1p1",
        "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
        "imsss": "http://www.imsglobal.org/xsd/imsss",
        "lom": "http://ltsc.ieee.org/xsd/LOM",
    },
}


def _zip(package: Package) -> zipfile.ZipFile:
    return zipfile.ZipFile(package.zip_path)


def _manifest(package: Package) -> etree._Element:
    return etree.fromstring(_zip(package).read("imsmanifest.xml"))


def test_zip_is_named_by_course_and_standard(package: Package) -> None:
    expected = {"1.2": "scorm12", "2004": "scorm2004"}[package.standard]
    assert package.zip_path.name == f"{package.course.slug}-{expected}.zip"
    assert package_name(package.course.slug, package.standard) == package.zip_path.name


def test_manifest_is_at_the_root_and_valid_against_the_official_schemas(package: Package) -> None:
    names = _zip(package).namelist()
    assert names[0] == "imsmanifest.xml"
    assert schema_errors(_zip(package).read("imsmanifest.xml"), package.standard) == []


@pytest.mark.parametrize(
    ("standard", "change"),
    [
        ("1.2", (b"adlcp:masteryscore>", b"adlcp:masteryScore>")),
        ("2004", (b"<lom:value>publisher</lom:value>", b"<lom:value>owner</lom:value>")),
    ],
    ids=["1.2-misspelt-element", "2004-unknown-vocabulary"],
)
def test_schema_check_finds_a_broken_manifest(
    build: Callable[..., Package], standard: str, change: tuple[bytes, bytes]
) -> None:
    manifest = _zip(build("acceptable-use", standard)).read("imsmanifest.xml")
    assert schema_errors(manifest.replace(*change), standard) != []


def test_manifest_refers_only_to_what_is_in_it(package: Package) -> None:
    """What XML Schema cannot check: identifiers resolve, and every listed file is in the zip."""
    ns = NS[package.standard]
    manifest = _manifest(package)
    names = set(_zip(package).namelist())
    organizations = manifest.find("cp:organizations", ns)
    assert organizations is not None
    default = organizations.get("default")
    assert [org.get("identifier") for org in organizations.findall("cp:organization", ns)] == [
        default
    ]
    resources = {res.get("identifier"): res for res in manifest.iterfind(".//cp:resource", ns)}
    items = manifest.findall(".//cp:item", ns)
    assert len(items) == 1, "one SCO"
    resource = resources[items[0].get("identifierref")]
    assert resource.get("href") == "index.html"
    scorm_type = resource.get(
        f"{{{ns['adlcp']}}}{'scormtype' if package.standard == '1.2' else 'scormType'}"
    )
    assert scorm_type == "sco"
    listed = {file.get("href") for file in resource.findall("cp:file", ns)}
    assert listed <= names
    assert {"index.html", "js/runtime.js", "js/course.js", "css/elearn.css"} <= listed


def test_manifest_names_the_course_school_and_version(package: Package) -> None:
    ns = NS[package.standard]
    manifest = _manifest(package)
    text = etree.tostring(manifest, encoding="unicode")
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=ns) == "ADL SCORM"
    version = {"1.2": "1.2", "2004": "2004 4th Edition"}[package.standard]
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == version
    title = manifest.findtext("cp:organizations/cp:organization/cp:title", namespaces=ns)
    assert title == package.course.title
    assert SCHOOL in text
    assert package.course.policy.version in text


def test_mastery_score_is_the_pass_mark(package: Package) -> None:
    ns = NS[package.standard]
    item = _manifest(package).find(".//cp:item", ns)
    assert item is not None
    if package.standard == "1.2":
        assert item.findtext("adlcp:masteryscore", namespaces=ns) == str(package.pass_mark)
    else:
        objective = item.find("imsss:sequencing/imsss:objectives/imsss:primaryObjective", ns)
        assert objective is not None
        assert objective.get("satisfiedByMeasure") == "true"
        measure = objective.findtext("imsss:minNormalizedMeasure", namespaces=ns)
        assert measure is not None
        assert float(measure) * 100 == pytest.approx(package.pass_mark)


def test_package_carries_the_official_schemas_unchanged(package: Package) -> None:
    folder = {"1.2": "scorm12", "2004": "scorm2004-4th"}[package.standard]
    archive = _zip(package)
    for path in (SCHEMAS / folder).rglob("*"):
        if path.is_file():
            inside = path.relative_to(SCHEMAS / folder).as_posix()
            assert archive.read(inside) == path.read_bytes(), inside


def test_schema_copies_match_their_checksums() -> None:
    for line in (SCHEMAS / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest() == digest, name


def test_file_names_are_ascii_and_plain(package: Package) -> None:
    for name in _zip(package).namelist():
        assert re.fullmatch(r"[A-Za-z0-9_./-]+", name), name
        assert not name.startswith("/")
        assert ".." not in name


def test_package_is_under_300_kb(package: Package) -> None:
    size = package.zip_path.stat().st_size
    print(f"{package.zip_path.name}: {size:,} bytes")
    assert size < MAX_PACKAGE_BYTES


def test_build_is_deterministic(package: Package, tmp_path: Path) -> None:
    course = load_course(COURSE_FOLDERS[package.course.slug])
    again = build_package(
        course,
        standard=package.standard,
        school_name=SCHOOL,
        version_label=course.policy.version,
        pass_mark=package.pass_mark,
        assessment_size=package.assessment_size,
        out_dir=tmp_path,
    )
    assert again.read_bytes() == package.zip_path.read_bytes()


class _PageScan(HTMLParser):
    """Every reference a page makes, and anything the Content Security Policy would call inline."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href"):
            if values.get(name):
                self.references.append(str(values[name]))
        if tag == "script" and not values.get("src"):
            self.inline.append("<script> without src")
        if tag == "style":
            self.inline.append("<style>")
        self.inline += [
            f"{name}= on <{tag}>" for name in values if name == "style" or name.startswith("on")
        ]


def test_every_asset_is_inside_and_nothing_is_inline(package: Package) -> None:
    archive = _zip(package)
    scan = _PageScan()
    scan.feed(archive.read("index.html").decode("utf-8"))
    assert scan.inline == []
    for reference in scan.references:
        if reference.startswith("#"):
            continue
        assert "://" not in reference, reference
        assert not reference.startswith("//"), reference
        assert reference in archive.namelist(), reference
    # Stylesheets load nothing more; scripts name no address (the browser tests also refuse
    # every request that leaves the machine).
    loads = {".css": ("url(", "@import"), ".js": ("http://", "https://", "//cdn")}
    for name in archive.namelist():
        suffix = Path(name).suffix
        if suffix in loads:
            text = archive.read(name).decode("utf-8")
            for marker in loads[suffix]:
                assert marker not in text, f"{name} has {marker}"


def test_page_reads_in_the_schools_name(build: Callable[..., Package]) -> None:
    page = _zip(build("social-networking", "2004")).read("index.html").decode("utf-8")
    assert SCHOOL in page
    assert "Thorner" not in page


def test_answers_are_not_readable_at_a_glance(package: Package) -> None:
    archive = _zip(package)
    page = archive.read("index.html").decode("utf-8")
    script = archive.read("js/answers.js").decode("ascii")
    assert "Right answer" not in page
    assert "app-review-option--correct" not in page
    for lesson in package.course.lessons:
        for question in (*lesson.practice, *lesson.questions):
            for option in question.options:
                if option.is_correct:
                    assert option.feedback not in page
                    assert option.feedback not in script
    key = re.search(r'"key": "([^"]+)"', script)
    data = re.search(r'"data": "([^"]+)"', script)
    assert key
    assert data
    answers = decode_answers(data.group(1), base64.b64decode(key.group(1)))
    question = package.course.lessons[0].questions[0]
    assert answers[question.id][0] == "".join(sorted(question.correct_keys))


@pytest.mark.parametrize("slug", list(COURSE_FOLDERS))
def test_largest_progress_fits_scorm_12(slug: str) -> None:
    course = load_course(COURSE_FOLDERS[slug])
    longest = max_suspend_data_length(course, course.bank_size)
    print(f"{slug}: at most {longest} characters of suspend data")
    assert longest <= MAX_SUSPEND_DATA_12


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pass_mark": 0}, "pass mark"),
        ({"pass_mark": 101}, "pass mark"),
        ({"assessment_size": 1}, "from 2"),
        ({"assessment_size": 99}, "every question"),
        ({"school_name": "  "}, "school name is empty"),
        ({"version_label": ""}, "version is empty"),
        ({"standard": "1.3"}, "1.2 or 2004"),
    ],
    ids=["pass-0", "pass-101", "too-few", "too-many", "no-school", "no-version", "standard"],
)
def test_settings_a_course_cannot_honour_are_refused(
    changes: dict[str, object], message: str, tmp_path: Path
) -> None:
    course = load_course(FIXTURE_LIBRARY / "acceptable-use")
    settings: dict[str, object] = {
        "standard": "1.2",
        "school_name": SCHOOL,
        "version_label": "1",
        "pass_mark": 80,
        "assessment_size": 4,
        **changes,
    }
    with pytest.raises(PackageError, match=message):
        build_package(course, out_dir=tmp_path, **settings)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_bank_too_big_to_save_is_refused(tmp_path: Path) -> None:
    course = load_course(FIXTURE_LIBRARY / "acceptable-use")
    lesson = course.lessons[0]
    huge = dataclasses.replace(lesson, questions=lesson.questions * 400)
    with pytest.raises(PackageError, match="at most 1296"):
        build_package(
            dataclasses.replace(course, lessons=(huge,)),
            standard="2004",
            school_name=SCHOOL,
            version_label="1",
            pass_mark=80,
            assessment_size=4,
            out_dir=tmp_path,
        )


def test_command_builds_a_package_with_the_courses_defaults(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "scorm", "build", "--content-dir", str(FIXTURE_LIBRARY), "--course", "acceptable-use",
            "--school", SCHOOL, "--standard", "2004", "--out", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = tmp_path / "acceptable-use-scorm2004.zip"
    assert f"Wrote {path}" in result.output
    page = zipfile.ZipFile(path).read("index.html").decode("utf-8")
    assert 'data-pass-mark="75"' in page
    assert 'data-assessment-size="4"' in page


def test_command_defaults_to_the_shipped_library_and_its_school(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["scorm", "build", "--course", SHIPPED_COURSE_DIR.name, "--standard", "1.2", "--out",
         str(tmp_path), "--pass-mark", "90", "--assessment-size", "15"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(tmp_path / "social-networking-scorm12.zip")
    assert b"<adlcp:masteryscore>90</adlcp:masteryscore>" in archive.read("imsmanifest.xml")
    assert "Thorner" in archive.read("index.html").decode("utf-8")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--course", "no-such-course"], "There is no course 'no-such-course'"),
        (["--course", "acceptable-use", "--assessment-size", "1"], "assessment size must be"),
    ],
    ids=["unknown-course", "too-few-questions"],
)
def test_command_says_what_is_wrong_in_one_line(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main,
        ["scorm", "build", "--content-dir", str(FIXTURE_LIBRARY), "--standard", "1.2",
         "--out", str(tmp_path), *arguments],
    )  # fmt: skip
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
