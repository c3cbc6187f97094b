"""response_url capabilities, incoming webhooks and commands.invoke errors (in-process)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from parley.features.apps.actions import do_create_response_url
from parley.features.apps.models import ResponseUrl
from parley.platform.clock import utc_now
from parley.platform.security import hash_secret
from tests.features.apps.helpers import create_app, manifest


async def _setup(api, factory, services):
    team = await factory.workspace()
    created = await create_app(services.db, team, manifest(socket_mode=True, commands=("/x",)))
    channel = (await api("conversations.create", team.owner.token, name="ops"))["channel"]["id"]
    await api(
        "conversations.invite", team.owner.token, channel=channel, users=created.app.bot_user_id
    )
    return team, created, channel


async def _response_token(services, created, channel, user_id, message_ts=None) -> str:
    async with services.db.write() as uow:
        return await do_create_response_url(
            uow, created.app, channel_id=channel, user_id=user_id, message_ts=message_ts
        )


async def _history_texts(api, token, channel) -> list[str]:
    body = await api("conversations.history", token, channel=channel)
    return [m["text"] for m in body["messages"]]


async def test_response_url_in_channel_and_five_uses(api, client, factory, services):
    team, created, channel = await _setup(api, factory, services)
    token = await _response_token(services, created, channel, team.owner.user_id)
    for n in range(5):
        answer = await client.post(
            f"/hooks/response/{token}", json={"text": f"n{n}", "response_type": "in_channel"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["ok"] is True
    sixth = await client.post(f"/hooks/response/{token}", json={"text": "too many"})
    assert sixth.status_code == 404
    assert sixth.json()["error"] == "expired_url"
    texts = await _history_texts(api, team.owner.token, channel)
    assert {"n0", "n1", "n2", "n3", "n4"} <= set(texts)
    assert "too many" not in texts


async def test_response_url_ephemeral_is_not_in_history(api, client, factory, services):
    team, created, channel = await _setup(api, factory, services)
    token = await _response_token(services, created, channel, team.owner.user_id)
    answer = await client.post(f"/hooks/response/{token}", data={"payload": '{"text": "psst"}'})
    assert answer.json()["response_type"] == "ephemeral"
    assert "psst" not in await _history_texts(api, team.owner.token, channel)


async def test_response_url_expires_and_is_unguessable(api, client, factory, services):
    team, created, channel = await _setup(api, factory, services)
    token = await _response_token(services, created, channel, team.owner.user_id)
    assert len(token) >= 40
    async with services.db.write() as uow:
        await uow.session.execute(
            update(ResponseUrl)
            .where(ResponseUrl.token_hash == hash_secret(token))
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
    late = await client.post(f"/hooks/response/{token}", json={"text": "late"})
    assert late.json()["error"] == "expired_url"
    unknown = await client.post("/hooks/response/not-a-token", json={"text": "x"})
    assert unknown.status_code == 404
    bad = await client.post(f"/hooks/response/{token}", content=b"not json")
    assert bad.status_code == 400


async def test_response_url_delete_original(api, client, factory, services):
    team, created, channel = await _setup(api, factory, services)
    posted = await api("chat.postMessage", created.bot_token, channel=channel, text="vote!")
    token = await _response_token(
        services, created, channel, team.owner.user_id, message_ts=posted["ts"]
    )
    answer = await client.post(f"/hooks/response/{token}", json={"delete_original": True})
    assert answer.json() == {"ok": True, "deleted": True}
    assert "vote!" not in await _history_texts(api, team.owner.token, channel)


async def test_commands_invoke_errors(api, factory, services):
    team, _created, channel = await _setup(api, factory, services)
    unknown = await api("commands.invoke", team.owner.token, channel=channel, command="/nope")
    assert unknown["error"] == "invalid_command"
    # Socket Mode app with no open connection: Slack's "dispatch_failed".
    offline = await api("commands.invoke", team.owner.token, channel=channel, command="/x")
    assert offline["error"] == "dispatch_failed"
    other = await factory.workspace()
    hidden = await api("commands.invoke", other.owner.token, channel=channel, command="/x")
    assert hidden["error"] == "channel_not_found"


async def test_block_action_needs_an_app_message_with_that_action(api, factory, services):
    team, _created, channel = await _setup(api, factory, services)
    mine = await api("chat.postMessage", team.owner.token, channel=channel, text="plain")
    missing = await api(
        "interactions.blockAction",
        team.owner.token,
        channel=channel,
        ts=mine["ts"],
        action_id="approve",
    )
    assert missing["error"] == "action_not_found"
    gone = await api(
        "interactions.blockAction",
        team.owner.token,
        channel=channel,
        ts="1.000001",
        action_id="approve",
    )
    assert gone["error"] == "message_not_found"


async def test_incoming_webhook(api, client, factory):
    team = await factory.workspace()
    member = await factory.user(team)
    channel = (await api("conversations.create", team.owner.token, name="alerts"))["channel"]["id"]
    denied = await api("incomingWebhooks.create", member.token, channel=channel)
    assert denied["error"] == "no_permission"
    made = await api("incomingWebhooks.create", team.owner.token, channel=channel)
    url = made["incoming_webhook"]["url"]
    path = url.removeprefix("http://parley.test")
    assert path.startswith(f"/services/{team.team_id}/B")
    ok = await client.post(path, json={"text": "disk *full*", "username": "monitor"})
    assert (ok.status_code, ok.text) == (200, "ok")
    form = await client.post(path, data={"payload": '{"text": "from form"}'})
    assert form.text == "ok"
    empty = await client.post(path, json={"username": "x"})
    assert (empty.status_code, empty.text) == (400, "missing_text_or_fallback_or_attachments")
    broken = await client.post(path, content=b"{not json")
    assert (broken.status_code, broken.text) == (400, "invalid_payload")
    wrong = await client.post(path[:-3] + "abc", json={"text": "x"})
    assert (wrong.status_code, wrong.text) == (404, "no_service")
    history = await api("conversations.history", team.owner.token, channel=channel)
    posted = {m["text"]: m for m in history["messages"]}
    assert posted["disk *full*"]["subtype"] == "bot_message"
    assert posted["disk *full*"]["username"] == "monitor"
    assert posted["disk *full*"]["bot_id"].startswith("B")
    assert "from form" in posted
    await api("conversations.archive", team.owner.token, channel=channel)
    archived = await client.post(path, json={"text": "late"})
    assert (archived.status_code, archived.text) == (410, "channel_is_archived")
