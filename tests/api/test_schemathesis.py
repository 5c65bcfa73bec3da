"""schemathesis against the generated OpenAPI description, with each role's token: no 500,
and every answer (errors included) fits the description: status, content type and schema.

Examples are few per operation (the suite's time budget); run on both databases.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (content_type_conformance, not_a_server_error,
                                 response_schema_conformance, status_code_conformance)

from accounts.tokens import create_token
from extensions import db
from tests import factories
from tests.api.conftest import bearer

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 3


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "analyst", "inspector_a", "owner_a"])
def test_the_api_keeps_its_description(app, world, role):
    factories.placement(world.person_a, world.line_a)
    secret = create_token(getattr(world.users, role), "schemathesis")[1]
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            headers = dict(case.headers or {})
            headers.update(bearer(secret))
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Exception as error:  # collect every operation's failure, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:1500])
    assert not failures, "\n\n".join(failures)
