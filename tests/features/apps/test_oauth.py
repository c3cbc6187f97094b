"""OAuth v2 installs: an app created in workspace A is installed into workspace B through
the consent page (a signed-in browser session), its code traded for tokens with
`oauth.v2.access`, and it then works in B: tokens, events, slash commands, uninstall."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select, update

from parley.features.apps.actions import CreatedApp
from parley.features.apps.delivery import Deliverer
from parley.features.apps.models import AppInstallation, OAuthCode
from parley.features.apps.oauth import redirect_allowed
from parley.platform.clock import utc_now
from parley.platform.services import Services
from parley.platform.settings import Settings
from tests.conftest import Api
from tests.factories import PASSWORD, Factory, Team
from tests.features.apps.helpers import Receiver, create_app, manifest
from tests.features.apps.test_delivery import FAST, drive

REDIRECT = "https://app.example/slack/oauth_redirect"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback receivers need private addresses allowed (an admin's explicit choice)."""
    return dataclasses.replace(settings, outbound_allow_private=True)


@pytest.fixture
async def browser(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A person's browser: its own cookie jar, separate from the API client."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport,
        base_url="http://parley.test",
        headers={"user-agent": "pytest-browser/1.0"},
    ) as http:
        yield http


def oauth_manifest(
    receiver: Receiver | None = None, name: str = "Installer", command: str = "/deploy"
) -> dict[str, Any]:
    spec = manifest(
        name=name,
        request_url=receiver.url if receiver else None,
        events=("app_mention", "message.channels", "app_uninstalled", "tokens_revoked")
        if receiver
        else (),
        commands=(command,),
        command_url=receiver.url if receiver else "https://app.example/slack/events",
    )
    spec["oauth_config"]["redirect_urls"] = [REDIRECT, "https://app.example/second"]
    spec["oauth_config"]["scopes"]["user"] = ["channels:read", "identity.basic"]
    return spec


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        if tag == "input" and values.get("type") == "hidden":
            self.fields[values["name"]] = values.get("value", "")


def consent_form(page: httpx.Response) -> dict[str, str]:
    form = _Form()
    form.feed(page.text)
    assert form.action == "/oauth/v2/authorize"
    return form.fields


async def sign_in(browser: httpx.AsyncClient, team: Team) -> None:
    response = await browser.post(
        "/api/auth.signin",
        data={"domain": team.domain, "email": team.owner.email, "password": PASSWORD},
    )
    assert response.json()["ok"], response.text


async def authorize(
    browser: httpx.AsyncClient, created: CreatedApp, **params: str
) -> httpx.Response:
    query = {
        "client_id": created.app.client_id,
        "scope": "chat:write,channels:read,channels:history,commands,app_mentions:read",
        "user_scope": "channels:read",
        **params,
    }
    return await browser.get("/oauth/v2/authorize", params=query)


async def approve(
    browser: httpx.AsyncClient, created: CreatedApp, decision: str = "allow", **params: str
) -> dict[str, list[str]]:
    """GET the consent page, POST its form; the query the app's redirect URI receives."""
    page = await authorize(browser, created, **params)
    assert page.status_code == 200, page.text
    fields = consent_form(page)
    answer = await browser.post("/oauth/v2/authorize", data={**fields, "decision": decision})
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.split("?")[0] == params.get("redirect_uri", REDIRECT).split("?")[0]
    return parse_qs(urlsplit(location).query)


async def install(
    api: Api, browser: httpx.AsyncClient, created: CreatedApp, team: Team, **params: str
) -> dict[str, Any]:
    await sign_in(browser, team)
    query = await approve(browser, created, redirect_uri=REDIRECT, **params)
    return await api(
        "oauth.v2.access",
        client_id=created.app.client_id,
        client_secret=created.client_secret,
        code=query["code"][0],
        redirect_uri=REDIRECT,
    )


async def test_install_into_another_workspace(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace("Home"), await factory.workspace("Other Co")
    created = await create_app(services.db, home, oauth_manifest())
    await sign_in(browser, other)
    page = await authorize(browser, created, redirect_uri=REDIRECT, state="s-123")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "<script" not in page.text
    for words in ("Installer", "Other Co", "Send messages", "See messages that mention the app"):
        assert words in page.text
    assert "act as you" in page.text  # the user scopes have their own section
    query = await approve(browser, created, redirect_uri=REDIRECT, state="s-123")
    assert query["state"] == ["s-123"]
    body = await api(
        "oauth.v2.access",
        client_id=created.app.client_id,
        client_secret=created.client_secret,
        code=query["code"][0],
        redirect_uri=REDIRECT,
    )
    assert body["ok"], body
    assert set(body) == {
        "ok",
        "access_token",
        "token_type",
        "scope",
        "bot_user_id",
        "app_id",
        "team",
        "enterprise",
        "is_enterprise_install",
        "authed_user",
    }
    assert body["access_token"].startswith("xoxb-")
    assert body["token_type"] == "bot"
    assert body["app_id"] == created.app.id
    assert body["team"] == {"id": other.team_id, "name": "Other Co"}
    assert body["enterprise"] is None and body["is_enterprise_install"] is False
    assert set(body["scope"].split(",")) == {
        "chat:write",
        "channels:read",
        "channels:history",
        "commands",
        "app_mentions:read",
    }
    assert body["bot_user_id"] != created.app.bot_user_id
    authed = body["authed_user"]
    assert authed["id"] == other.owner.user_id
    assert authed["scope"] == "channels:read" and authed["token_type"] == "user"
    assert authed["access_token"].startswith("xoxp-")

    bot = await api("auth.test", body["access_token"])
    assert bot["team_id"] == other.team_id and bot["user_id"] == body["bot_user_id"]
    assert bot["bot_id"].startswith("B") and bot["bot_id"] != created.app.bot_id
    assert bot["app_id"] == created.app.id
    person = await api("auth.test", authed["access_token"])
    assert person["user_id"] == other.owner.user_id and person["team_id"] == other.team_id
    info = await api("users.info", other.owner.token, user=body["bot_user_id"])
    assert info["user"]["is_bot"] and info["user"]["profile"]["bot_id"] == bot["bot_id"]

    audit = await api("admin.audit", other.owner.token, action="app_installed")
    [entry] = audit["entries"]
    assert entry["entity"] == {"type": "app", "id": created.app.id}
    assert entry["details"]["scopes"][0] == "chat:write"
    assert entry["context"]["ua"] == "pytest-browser/1.0"


async def test_tokens_stay_in_their_workspace(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace("Home"), await factory.workspace("Other")
    created = await create_app(services.db, home, oauth_manifest())
    body = await install(api, browser, created, other)
    b_bot = body["access_token"]
    b_channel = (await api("conversations.create", other.owner.token, name="b-only"))["channel"]
    a_channel = (await api("conversations.create", home.owner.token, name="a-only"))["channel"]
    await api(
        "conversations.invite",
        other.owner.token,
        channel=b_channel["id"],
        users=body["bot_user_id"],
    )
    posted = await api("chat.postMessage", b_bot, channel=b_channel["id"], text="hello B")
    assert posted["ok"], posted
    assert posted["message"]["bot_id"] == (await api("auth.test", b_bot))["bot_id"]
    # Workspace A's bot token cannot see B's channel, B's bot cannot see A's.
    assert (await api("conversations.info", created.bot_token, channel=b_channel["id"]))[
        "error"
    ] == "channel_not_found"
    assert (await api("chat.postMessage", created.bot_token, channel=b_channel["id"], text="x"))[
        "error"
    ] == "channel_not_found"
    assert (await api("conversations.history", b_bot, channel=a_channel["id"]))[
        "error"
    ] == "channel_not_found"
    names = {c["name"] for c in (await api("conversations.list", b_bot))["channels"]}
    assert "b-only" in names and "a-only" not in names
    for user in (other.owner.user_id, body["bot_user_id"]):
        assert (await api("users.info", home.owner.token, user=user))["error"] == "user_not_found"
    assert (await api("users.info", b_bot, user=home.owner.user_id))["error"] in {
        "user_not_found",
        "missing_scope",
    }


async def test_state_round_trip_and_deny(
    browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    await sign_in(browser, other)
    state = "x y&z=1/é"
    denied = await approve(browser, created, "deny", redirect_uri=REDIRECT, state=state)
    assert denied == {"error": ["access_denied"], "state": [state]}
    async with services.db.read() as session:
        rows = await session.execute(
            select(AppInstallation).where(AppInstallation.app_id == created.app.id)
        )
        assert rows.scalars().all() == []
    # No redirect_uri: the first registered one is used; a sub-path of one is allowed.
    default = await browser.get(
        "/oauth/v2/authorize", params={"client_id": created.app.client_id, "scope": "chat:write"}
    )
    fields = consent_form(default)
    answer = await browser.post("/oauth/v2/authorize", data={**fields, "decision": "allow"})
    assert answer.headers["location"].startswith(REDIRECT + "?code=")
    below = await approve(browser, created, redirect_uri="https://app.example/second/cb?x=1")
    assert below["x"] == ["1"] and below["code"]


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/slack/oauth_redirect",
        "http://app.example/slack/oauth_redirect",
        "https://app.example:8443/slack/oauth_redirect",
        "https://app.example/slack/oauth_redirectx",
        "https://app.example/second/../evil",
        "https://app.example/other",
        "javascript:alert(1)",
    ],
)
async def test_bad_redirect_uri_is_refused_without_redirecting(
    browser: httpx.AsyncClient, factory: Factory, services: Services, redirect_uri: str
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    await sign_in(browser, other)
    page = await authorize(browser, created, redirect_uri=redirect_uri, state="s")
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "bad_redirect_uri" in page.text


def test_redirect_rules() -> None:
    registered = ("https://a.example/auth", "http://127.0.0.1:3000/")
    assert redirect_allowed("https://a.example/auth", registered)
    assert redirect_allowed("https://A.example/auth/slack?x=1", registered)
    assert redirect_allowed("http://127.0.0.1:3000/anything", registered)
    assert not redirect_allowed("https://a.example/authx", registered)
    assert not redirect_allowed("https://a.example/auth#frag", registered)
    assert not redirect_allowed("http://127.0.0.1:3001/", registered)
    assert not redirect_allowed("https://a.example/auth/%2e%2e/x", registered)


async def test_error_pages(
    browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    unknown = await browser.get("/oauth/v2/authorize", params={"client_id": "123.456"})
    assert unknown.status_code == 400 and "invalid_client_id" in unknown.text
    no_redirects = manifest(name="No redirects", events=())
    created = await create_app(services.db, home, no_redirects)
    refused = await authorize(browser, created)
    assert refused.status_code == 400 and "no OAuth redirect URL" in refused.text
    created = await create_app(services.db, home, oauth_manifest())
    signed_out = await authorize(browser, created)
    assert signed_out.status_code == 401 and 'href="/signin"' in signed_out.text
    await sign_in(browser, other)
    # A scope the manifest does not ask for goes back to the (valid) redirect URI.
    wider = await authorize(browser, created, scope="chat:write,users:write", state="q")
    assert wider.status_code == 302
    assert parse_qs(urlsplit(wider.headers["location"]).query) == {
        "error": ["invalid_scope"],
        "state": ["q"],
    }
    user_wider = await authorize(browser, created, user_scope="search:read")
    assert "error=invalid_scope" in user_wider.headers["location"]
    elsewhere = await authorize(browser, created, team=home.team_id)
    assert elsewhere.status_code == 400 and "another workspace" in elsewhere.text


async def test_approval_needs_the_sessions_csrf_token(
    browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    await sign_in(browser, other)
    fields = consent_form(await authorize(browser, created))
    without = {k: v for k, v in fields.items() if k != "csrf_token"}
    for forged in ({**fields, "csrf_token": "guess"}, without):
        answer = await browser.post("/oauth/v2/authorize", data={**forged, "decision": "allow"})
        assert answer.status_code == 403 and "invalid_csrf" in answer.text
    async with services.db.read() as session:
        codes = await session.execute(select(OAuthCode).where(OAuthCode.app_id == created.app.id))
        assert codes.scalars().all() == []


async def test_guests_cannot_install(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    guest = await factory.user(other, role="guest")
    await sign_in(browser, dataclasses.replace(other, owner=guest))
    page = await authorize(browser, created)
    assert page.status_code == 403 and "Guests cannot install apps" in page.text


async def test_code_exchange_errors(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    other_app = await create_app(
        services.db, home, oauth_manifest(name="Second", command="/second")
    )
    await sign_in(browser, other)
    code = (await approve(browser, created, redirect_uri=REDIRECT))["code"][0]
    client_id, secret = created.app.client_id, created.client_secret

    async def exchange(**args: str) -> dict[str, Any]:
        return await api("oauth.v2.access", **args)

    assert (await exchange(client_id="1.2", client_secret=secret, code=code))[
        "error"
    ] == "invalid_client_id"
    assert (await exchange(client_id=client_id, client_secret="nope", code=code))[
        "error"
    ] == "bad_client_secret"
    assert (
        await exchange(
            client_id=other_app.app.client_id, client_secret=other_app.client_secret, code=code
        )
    )["error"] == "invalid_code"  # bound to the app it was issued to
    assert (await exchange(client_id=client_id, client_secret=secret, code="pcode-made-up"))[
        "error"
    ] == "invalid_code"
    wrong = await exchange(
        client_id=client_id,
        client_secret=secret,
        code=code,
        redirect_uri="https://app.example/second",
    )
    assert wrong["error"] == "bad_redirect_uri"
    refresh = await exchange(
        client_id=client_id, client_secret=secret, grant_type="refresh_token", refresh_token="x"
    )
    assert refresh["error"] == "invalid_grant_type"
    # HTTP Basic credentials (what slack_sdk sends) work as well as form fields.
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = await api.client.post(
        "/api/oauth.v2.access",
        data={"code": code, "redirect_uri": REDIRECT},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.json()["ok"], response.text
    again = await exchange(
        client_id=client_id, client_secret=secret, code=code, redirect_uri=REDIRECT
    )
    assert again["error"] == "code_already_used"
    # Codes expire after ten minutes.
    late = (await approve(browser, created, redirect_uri=REDIRECT))["code"][0]
    async with services.db.write() as uow:
        await uow.session.execute(
            update(OAuthCode)
            .where(OAuthCode.app_id == created.app.id, OAuthCode.used_at.is_(None))
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    expired = await exchange(
        client_id=client_id, client_secret=secret, code=late, redirect_uri=REDIRECT
    )
    assert expired["error"] == "invalid_code"


async def test_reinstall_keeps_the_bot_and_adds_scopes(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    first = await install(api, browser, created, other, scope="chat:write", user_scope="")
    assert first["scope"] == "chat:write" and set(first["authed_user"]) == {"id"}
    second = await install(api, browser, created, other, scope="channels:read", user_scope="")
    assert second["bot_user_id"] == first["bot_user_id"]
    assert second["scope"] == "chat:write,channels:read"
    # The first token works on, with the scopes granted since.
    listed = await api("conversations.list", first["access_token"])
    assert listed["ok"], listed


async def test_home_workspace_install_uses_the_apps_own_bot(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home = await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    body = await install(api, browser, created, home, scope="chat:write")
    assert body["bot_user_id"] == created.app.bot_user_id
    assert body["team"]["id"] == home.team_id
    assert (await api("auth.test", body["access_token"]))["bot_id"] == created.app.bot_id


async def test_events_and_commands_from_the_other_workspace(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    with Receiver() as receiver:
        created = await create_app(services.db, home, oauth_manifest(receiver))
        body = await install(api, browser, created, other)
        deliverer = Deliverer(services, FAST)
        b_bot = body["bot_user_id"]
        channel = (await api("conversations.create", other.owner.token, name="b-events"))[
            "channel"
        ]["id"]
        await api("conversations.invite", other.owner.token, channel=channel, users=b_bot)
        await api("chat.postMessage", other.owner.token, channel=channel, text=f"<@{b_bot}> hi")

        def mentions() -> list[dict[str, Any]]:
            return [
                r.json() for r in receiver.events() if r.json()["event"]["type"] == "app_mention"
            ]

        await drive(deliverer, lambda: len(mentions()) == 1)
        [envelope] = mentions()
        assert envelope["team_id"] == other.team_id
        assert envelope["api_app_id"] == created.app.id
        assert envelope["authorizations"][0]["user_id"] == b_bot
        assert envelope["authorizations"][0]["team_id"] == other.team_id
        assert envelope["event"]["text"] == f"<@{b_bot}> hi"
        # Home workspace events still arrive, with the home team and bot.
        a_channel = (await api("conversations.create", home.owner.token, name="a-events"))[
            "channel"
        ]["id"]
        await api(
            "conversations.invite",
            home.owner.token,
            channel=a_channel,
            users=created.app.bot_user_id,
        )
        await api(
            "chat.postMessage",
            home.owner.token,
            channel=a_channel,
            text=f"<@{created.app.bot_user_id}> home",
        )
        await drive(deliverer, lambda: len(mentions()) == 2)
        assert mentions()[1]["team_id"] == home.team_id
        assert mentions()[1]["authorizations"][0]["user_id"] == created.app.bot_user_id

        # The manifest's slash command was registered in B and reaches the app with B's ids.
        invoked = await api(
            "commands.invoke", other.owner.token, channel=channel, command="/deploy", text="v2"
        )
        assert invoked["ok"], invoked
        [command] = [r for r in receiver.received if b"command=%2Fdeploy" in r.body]
        form = parse_qs(command.body.decode())
        assert form["team_id"] == [other.team_id] and form["api_app_id"] == [created.app.id]
        assert form["user_id"] == [other.owner.user_id]


async def test_uninstall_from_the_other_workspace(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    with Receiver() as receiver:
        created = await create_app(services.db, home, oauth_manifest(receiver))
        body = await install(api, browser, created, other)
        b_bot, b_user = body["access_token"], body["authed_user"]["access_token"]
        wrong = await api(
            "apps.uninstall", b_bot, client_id=created.app.client_id, client_secret="nope"
        )
        assert wrong["error"] == "bad_client_secret"
        gone = await api(
            "apps.uninstall",
            b_bot,
            client_id=created.app.client_id,
            client_secret=created.client_secret,
        )
        assert gone["ok"], gone
        assert (await api("auth.test", b_bot))["error"] == "token_revoked"
        assert (await api("auth.test", b_user))["error"] == "token_revoked"
        bot = await api("users.info", other.owner.token, user=body["bot_user_id"])
        assert bot["user"]["deleted"] is True
        assert (await api("commands.list", other.owner.token)).get("commands", []) == []
        audit = await api("admin.audit", other.owner.token, action="app_uninstalled")
        assert [e["entity"]["id"] for e in audit["entries"]] == [created.app.id]
        # The app hears about it (it subscribed to both events) ...
        deliverer = Deliverer(services, FAST)

        def notices() -> dict[str, dict[str, Any]]:
            return {
                r.json()["event"]["type"]: r.json()
                for r in receiver.events()
                if r.json()["event"]["type"] in {"app_uninstalled", "tokens_revoked"}
            }

        await drive(deliverer, lambda: len(notices()) == 2)
        revoked = notices()["tokens_revoked"]
        assert revoked["team_id"] == other.team_id
        assert revoked["event"]["tokens"] == {
            "oauth": [other.owner.user_id],
            "bot": [body["bot_user_id"]],
        }
        # ... and keeps working at home; B can install it again (same bot user, reactivated).
        assert (await api("auth.test", created.bot_token))["ok"]
        again = await install(api, browser, created, other)
        assert again["bot_user_id"] == body["bot_user_id"]
        assert (await api("auth.test", again["access_token"]))["ok"]


async def test_deleting_the_app_removes_its_installs(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    body = await install(api, browser, created, other)
    assert (await api("auth.test", body["access_token"]))["ok"]  # now cached on this node
    # B's admins do not manage the app: its manifest belongs to A.
    assert (await api("apps.manifest.export", other.owner.token, app_id=created.app.id))[
        "error"
    ] == "app_not_found"
    deleted = await api("apps.manifest.delete", home.owner.token, app_id=created.app.id)
    assert deleted["ok"], deleted
    assert (await api("auth.test", body["access_token"]))["error"] == "token_revoked"
    bot = await api("users.info", other.owner.token, user=body["bot_user_id"])
    assert bot["user"]["deleted"] is True


async def test_user_token_can_be_revoked(
    api: Api, browser: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    home, other = await factory.workspace(), await factory.workspace()
    created = await create_app(services.db, home, oauth_manifest())
    body = await install(api, browser, created, other)
    user_token = body["authed_user"]["access_token"]
    assert (await api("auth.revoke", user_token))["revoked"] is True
    assert (await api("auth.test", user_token))["error"] == "token_revoked"
    assert (await api("auth.revoke", body["access_token"]))["revoked"] is True
    assert (await api("auth.test", body["access_token"]))["error"] == "token_revoked"


async def test_manifest_create_answers_an_authorize_url(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    created = await api.json("apps.manifest.create", team.owner.token, manifest=oauth_manifest())
    assert created["ok"], created
    url = urlsplit(created["oauth_authorize_url"])
    assert url.path == "/oauth/v2/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == [created["credentials"]["client_id"]]
    assert "chat:write" in query["scope"][0].split(",")
    assert query["user_scope"] == ["channels:read,identity.basic"]
