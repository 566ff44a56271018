"""The API does what its OpenAPI schema says, for requests generated from that schema.

schemathesis reads /api/openapi.json and sends each operation requests it generates from the
schema: valid ones, and ones the schema forbids (its negative mode). They go through the WSGI
application in this process: no network, the test's own database. Every answer must be no
server error, carry a status and a content type the schema lists for that operation, and
have a body that matches the schema; a request the schema forbids must be refused. Once
anonymously, once with an admin's token so that the writes get past authentication, with the
rate limits lifted so that 429s do not hide the rest.

(schemathesis's pytest integration needs the schema before the test database exists, or a
lazy fixture that does not work with pytest 9: each operation's strategy is run with
Hypothesis here instead.)
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi import checks as openapi_checks

from broadsheet.accounts.roles import Role
from broadsheet.api.tests.conftest import token_header
from broadsheet.conftest import make_user
from broadsheet.discussion.tests.factories import make_comment
from broadsheet.guard.ratelimits import DAY, LIMITS, Window
from broadsheet.publishing.tests.factories import make_post

pytestmark = pytest.mark.django_db

# Per operation and mode: enough to meet the statuses an operation answers, few enough to keep
# the suite quick (2 callers, 14 operations, 2 modes: about 56 times this many requests).
EXAMPLES = 20
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]

# A request the schema forbids is rightly refused by a 413 too (a body over the size limit).
SCHEMATHESIS_CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [400, 401, 403, 404, 405, 409, 413, 415, 422, 429]
            }
        }
    }
)


@pytest.fixture
def api_schema(settings: Any) -> Iterator[Any]:
    plenty = (Window(1_000_000, DAY),)
    settings.BROADSHEET_RATE_LIMITS = {
        name: replace(limit, per_account=plenty, per_address=plenty)
        for name, limit in LIMITS.items()
    }
    admin = make_user("conformance_admin", Role.ADMIN)
    post = make_post(admin, "A post to probe")
    make_comment(post, make_user("conformance_reader"), "A comment to probe.")
    # Each refused request is logged as a warning: thousands would bury a failure's report.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    # As Django's test client does: the test's transaction is the connection, kept open.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/openapi.json", get_wsgi_application(), config=SCHEMATHESIS_CONFIG
        )
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
        request_log.setLevel(level)


def failures_of(schema: Any, headers: dict[str, str]) -> list[str]:
    """Run every operation in both modes; what failed, one line per operation and mode."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def probe(case: Any) -> None:
                # The WSGI transport does not undo a Content-Encoding: ask for none.
                case.call_and_validate(
                    headers={"Accept-Encoding": "identity", **headers}, checks=CHECKS
                )

            try:
                probe()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to get wrong: no parameters
            except (Exception, BaseExceptionGroup) as error:  # reported together below
                failures.append(f"{operation.label} ({mode}): {error}")
    return failures


def test_every_operation_answers_anonymous_callers_as_its_schema_says(api_schema: Any) -> None:
    failures = failures_of(api_schema, {})
    assert not failures, "\n\n".join(failures)


def test_every_operation_answers_an_admin_as_its_schema_says(api_schema: Any) -> None:
    admin = make_user("conformance_caller", Role.ADMIN)
    failures = failures_of(api_schema, token_header(admin))
    assert not failures, "\n\n".join(failures)
