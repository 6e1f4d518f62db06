"""The public certificate check: genuine or not, superseded or current, valid until when."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from elearn.accounts.models import StaffMember
from elearn.clock import FixedClock
from elearn.policies.models import Policy
from tests.conftest import NOW
from tests.factories import learner


@pytest.fixture
def code(session: Session, staff: StaffMember) -> str:
    """Amelia signed the Social Networking Policy on 24 November 2026."""
    certificate = learner(session, staff).finish(NOW)
    session.commit()
    return certificate.code


def valid_until(client: FlaskClient, code: str) -> str:
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    start = page.index('id="verify-valid-until">') + len('id="verify-valid-until">')
    return page[start : page.index("</dd>", start)]


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (datetime(2026, 11, 24, 12, tzinfo=UTC), "24 November 2027"),
        (datetime(2027, 11, 24, 23, 30, tzinfo=UTC), "24 November 2027"),
        (
            datetime(2027, 11, 25, 9, tzinfo=UTC),
            "Expired: it counted until 24 November 2027, and must be signed again",
        ),
    ],
    ids=["the-day-it-was-signed", "its-last-day", "the-day-after"],
)
def test_the_check_says_until_when_the_declaration_counts_and_whether_it_has_run_out(
    client: FlaskClient, clock: FixedClock, code: str, today: datetime, shown: str
) -> None:
    clock.set(today)
    assert valid_until(client, code) == shown


def test_the_policys_own_rules_decide_how_long_it_counts(
    client: FlaskClient, session: Session, policy: Policy, code: str
) -> None:
    policy.validity_months = 24
    session.commit()
    assert valid_until(client, code) == "24 November 2028"
