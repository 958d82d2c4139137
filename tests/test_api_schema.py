"""Schemathesis against the app's own OpenAPI schema, signed in: generated requests to every
API operation never cause a server error, and every answer matches the schema.

Machine clients authenticate with a city duty officer's API token; the audit API, which no
token may read, with an auditor's session. A bounded number of examples per operation keeps the
run short.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from web_support import SYSTEM, make_app, report, signed_in

from fanzha.domain.report import VictimReport
from fanzha.services.api_tokens import create_token
from fanzha.services.intake import file_report

USERS = (("auditor", "auditor", "city"),)


@pytest.fixture(scope="module")
def api_world(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("schema"), users=USERS)
    with app.state.db.session() as session:
        file_report(session, SYSTEM, VictimReport.model_validate(report()))
        token = create_token(session, SYSTEM, "city", "duty_officer", "schemathesis").secret
    auditor = signed_in(app, "auditor")
    yield app, token, dict(auditor.cookies)
    app.state.db.dispose()


EXAMPLES = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 8}


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
def test_the_api_keeps_to_its_schema(api_world, mode: GenerationMode) -> None:
    """Valid requests (positive) and invalid ones (negative) for every operation."""
    app, token, auditor_cookies = api_world
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        if operation.path.startswith("/api/audit"):
            auth = {"cookies": auditor_cookies}
        else:
            auth = {"headers": {"Authorization": f"Bearer {token}"}}
        try:
            _checker(operation, mode, auth)()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, operation.label  # nothing to get wrong (no inputs)


def _checker(operation, mode: GenerationMode, auth: dict):
    @given(case=operation.as_strategy(mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    def check(case) -> None:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance], **auth)

    return check
