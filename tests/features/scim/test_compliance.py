"""scim2-tester, a SCIM 2.0 compliance checker from PyPI, run against a live Parley.

It reads the discovery documents, then creates, reads, queries, replaces, patches
(add/replace/remove of every published attribute) and deletes Users and Groups, with values
it makes up. Every check must pass: what it found on the way is in docs/scim.md.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, SyncFactory

scim2_tester = pytest.importorskip("scim2_tester", reason="scim2-tester is not installed")
scim2_client = pytest.importorskip("scim2_client")


class HttpxScimClient(scim2_client.BaseSyncSCIMClient):  # type: ignore[misc]
    """scim2-client over httpx (its own engine wants `httpx2`, a package we do not need)."""

    def __init__(self, http: httpx.Client) -> None:
        super().__init__()
        self.http = http

    def _stays_under_base_url(self, endpoint: str) -> bool:
        target = self.http.build_request("GET", endpoint).url
        return str(target).startswith(str(self.http.base_url).rstrip("/"))

    def _parse_json(self, response: httpx.Response) -> Any:
        return response.json()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(method, url, **kwargs)


def test_scim2_tester_finds_nothing_wrong(
    live_server: LiveServer, sync_factory: SyncFactory
) -> None:
    team = sync_factory.workspace()
    http = httpx.Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {team.owner.token}"},
        timeout=30,
    )
    client = HttpxScimClient(http)
    results = scim2_tester.check_server(client)
    failed = [
        f"{r.title}: {r.reason} {r.data if r.data else ''}"
        for r in results
        if r.status not in (scim2_tester.Status.SUCCESS, scim2_tester.Status.SKIPPED)
    ]
    assert len(results) > 40
    assert failed == []
