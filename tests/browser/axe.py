"""Run axe-core (from node_modules, never a CDN) on the page in front of the browser."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.conftest import require_or_skip

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TARGETS_SHOWN = 3

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def check_accessibility(page: Page, context_label: str) -> None:
    """Fail, listing each rule broken and where, unless axe finds no WCAG 2.2 AA violations."""
    if not AXE_SCRIPT.exists():
        require_or_skip("axe-core not installed: run npm ci")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # The app's Content Security Policy allows only scripts from 'self', so a <script> tag
        # added by the test (page.add_script_tag) would be blocked. Evaluating the source through
        # the DevTools protocol is not subject to the page's CSP, and it keeps the CSP in force
        # for the app's own scripts instead of turning it off with bypass_csp.
        page.evaluate(_axe_source())
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not violations, _describe(context_label, page.url, violations)


def _describe(context_label: str, url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} accessibility violation(s) on the {context_label} ({url}):"]
    for violation in violations:
        targets = violation["targets"]
        shown = ", ".join(targets[:TARGETS_SHOWN])
        more = f" and {len(targets) - TARGETS_SHOWN} more" if len(targets) > TARGETS_SHOWN else ""
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}; at {shown}{more}"
        )
    return "\n".join(lines)
