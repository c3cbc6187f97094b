"""Sign-in and session hardening beyond tests/auth: timing, fixation, CSRF binding, cookie
flags, and credentials that stop working the moment an admin acts (no stale cache)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import httpx
import pytest

from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import PASSWORD, Factory


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        public_url="http://parley.test",
        rate_limits_enabled=False,
        secure_cookies=True,  # as behind HTTPS (PARLEY_SECURE_COOKIES)
    )


async def _signin(
    client: httpx.AsyncClient, domain: str, email: str, password: str
) -> httpx.Response:
    return await client.post(
        "/api/auth.signin", json={"domain": domain, "email": email, "password": password}
    )


async def test_unknown_accounts_cost_the_same_as_wrong_passwords(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """argon2 runs for unknown addresses and unknown workspaces too: the answer time does
    not tell whether an account exists (generous bounds: a loaded CI box is noisy)."""
    team = await factory.workspace()
    people = [await factory.user(team) for _ in range(5)]
    timings: dict[str, list[float]] = {"wrong password": [], "unknown email": [], "no domain": []}
    for n, person in enumerate(people):  # interleaved, so load spikes hit all three alike
        for case, (domain, email) in {
            "wrong password": (team.domain, person.email),
            "unknown email": (team.domain, f"ghost{n}@{team.domain}.example"),
            "no domain": (f"nowhere-{n}-{team.domain}", person.email),
        }.items():
            started = time.perf_counter()
            response = await _signin(client, domain, email, "not-the-password")
            timings[case].append(time.perf_counter() - started)
            assert response.json() == {"ok": False, "error": "invalid_credentials"}
    medians = {case: statistics.median(values) for case, values in timings.items()}
    reference = medians["wrong password"]
    assert reference > 0.005, medians  # argon2 really ran
    for median in medians.values():
        assert 0.4 * reference < median < 2.5 * reference, medians


async def test_signin_never_adopts_a_session_id_it_was_given(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """Session fixation: a cookie planted before sign-in is replaced, and stays worthless."""
    team = await factory.workspace()
    planted = "attacker-chosen-session-value-0123456789abcdef"
    client.cookies.set("parley_session", planted)
    signed = await _signin(client, team.domain, team.owner.email, PASSWORD)
    assert signed.json()["ok"]
    issued = signed.cookies.get("parley_session")
    assert issued and issued != planted
    client.cookies.clear()
    client.cookies.set("parley_session", planted)
    replay = await client.post(
        "/api/auth.test", headers={"X-Parley-CSRF": signed.json()["csrf_token"]}
    )
    assert replay.json()["error"] == "invalid_auth"
    client.cookies.clear()


async def test_csrf_token_is_bound_to_its_session(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    mine = await _signin(client, team.domain, team.owner.email, PASSWORD)
    theirs = await _signin(client, team.domain, member.email, PASSWORD)
    client.cookies.clear()
    client.cookies.set("parley_session", mine.cookies["parley_session"])
    crossed = await client.post(
        "/api/auth.test", headers={"X-Parley-CSRF": theirs.json()["csrf_token"]}
    )
    assert crossed.json()["error"] == "invalid_csrf"
    as_form = await client.post("/api/auth.test", data={"csrf": mine.json()["csrf_token"]})
    assert as_form.json()["error"] == "invalid_csrf"  # only the header counts
    good = await client.post("/api/auth.test", headers={"X-Parley-CSRF": mine.json()["csrf_token"]})
    assert good.json()["user_id"] == team.owner.user_id
    client.cookies.clear()


async def test_cookie_flags(client: httpx.AsyncClient, factory: Factory) -> None:
    team = await factory.workspace()
    response = await _signin(client, team.domain, team.owner.email, PASSWORD)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}
    session = cookies["parley_session"].lower()
    assert "httponly" in session and "secure" in session and "samesite=lax" in session
    assert "path=/" in session
    csrf = cookies["parley_csrf"].lower()
    assert "secure" in csrf and "samesite" in csrf
    client.cookies.clear()


async def test_deactivation_and_demotion_take_effect_at_once(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    """Credentials are cached for speed; an admin's action must still win immediately."""
    team = await factory.workspace()
    admin = await factory.user(team, role="admin")
    leaver = await factory.user(team)
    signed = await _signin(client, team.domain, leaver.email, PASSWORD)
    csrf = signed.json()["csrf_token"]
    client.cookies.clear()  # Secure cookies are not sent back over http://: set it by hand
    client.cookies.set("parley_session", signed.cookies["parley_session"])
    assert (await client.post("/api/auth.test", headers={"X-Parley-CSRF": csrf})).json()["ok"]
    client.cookies.clear()
    assert (await api("auth.test", leaver.token))["ok"]  # now cached
    assert (await api("admin.invites.list", admin.token))["ok"]  # cached as admin
    assert (
        await api("admin.users.setActive", team.owner.token, user_id=leaver.user_id, active="false")
    )["ok"]
    assert (
        await api("admin.users.setRole", team.owner.token, user_id=admin.user_id, role="member")
    )["ok"]
    assert (await api("auth.test", leaver.token))["error"] == "account_inactive"
    client.cookies.set("parley_session", signed.cookies["parley_session"])
    by_cookie = await client.post("/api/auth.test", headers={"X-Parley-CSRF": csrf})
    assert by_cookie.json()["error"] in {"account_inactive", "invalid_auth"}
    client.cookies.clear()
    assert (await api("admin.invites.list", admin.token))["error"] == "not_an_admin"
    relogin = await _signin(client, team.domain, leaver.email, PASSWORD)
    assert relogin.json()["ok"] is False
    client.cookies.clear()
