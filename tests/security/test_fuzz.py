"""Schema-driven fuzzing: schemathesis generates requests from `/api/openapi.json` of a live
`parley serve` on loopback and checks every answer.

Bounded and repeatable: a fixed number of examples per operation, derandomized (the same
inputs on every run), no example database. Checks: no 5xx, the status code, content type
and body conform to the document, and every answer comes back within a time bound.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import SyncFactory
from tests.security.server import ServerProcess

MAX_EXAMPLES = 15
MAX_SECONDS = 5.0  # per answer, on a loaded 2-core CI box
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with ServerProcess(database_url, tmp_path_factory.mktemp("fuzz")) as process:
        yield process


class _Recorded(Exception):
    """A check failed; its message is already in the failure list."""


def _operation_test(
    operation: Any, headers: dict[str, str], failures: list[str], slow: list[str]
) -> Any:
    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=operation.as_strategy())
    def run(case: Any) -> None:
        # A real token, so generated arguments reach the handlers, not just the gate.
        case.headers = {**(case.headers or {}), **headers}
        started = time.monotonic()
        try:
            case.call_and_validate(checks=CHECKS, timeout=30)
        except Exception as error:
            failures.append(f"{case.operation.label}: {error}"[:1500])
            raise _Recorded from error
        elapsed = time.monotonic() - started
        if elapsed > MAX_SECONDS:
            slow.append(f"{case.operation.label}: {elapsed:.2f}s")

    return run


@pytest.mark.slow
# In the whole suite, threads left by other tests' client libraries (jittered retries and
# the like) may touch the global `random` while hypothesis draws a case; hypothesis then
# warns, and the suite turns warnings into errors. The cases come from hypothesis's own
# derandomized seed, not from `random`, so they stay the same: that warning is not ours.
@pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies"
    ":hypothesis.errors.HypothesisDeprecationWarning"
)
def test_fuzz_every_operation(server: ServerProcess, database_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/api/openapi.json")
    factory = SyncFactory(database_url)
    failures: list[str] = []
    slow: list[str] = []
    operations = 0
    try:
        team = factory.workspace()
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            token = factory.token(team.owner)  # fresh: auth.revoke may end it
            run = _operation_test(operation, {"Authorization": f"Bearer {token}"}, failures, slow)
            try:
                run()
            except _Recorded:
                continue  # one failure per operation is enough (hypothesis shrinks to it)
    finally:
        factory.close()
    assert operations >= 100, operations
    assert failures == [], "\n\n".join(failures)
    assert slow == [], slow
    assert "internal error" not in Path(server.log_path).read_text().lower()
