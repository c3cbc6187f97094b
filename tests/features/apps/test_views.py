"""views.* rules: single-use triggers, hash conflicts, stacks, App Home, ownership."""

from __future__ import annotations

from parley.features.apps.views import do_create_trigger
from tests.features.apps.helpers import create_app, manifest

MODAL = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Hi"},
    "blocks": [],
    "external_id": "",
}


async def _setup(factory, services):
    team = await factory.workspace()
    created = await create_app(services.db, team, manifest(socket_mode=True))
    return team, created


async def _trigger(services, created, user_id) -> str:
    async with services.db.write() as uow:
        return await do_create_trigger(uow, created.app, user_id)


async def test_open_redeems_a_trigger_once(api, factory, services):
    team, created = await _setup(factory, services)
    trigger = await _trigger(services, created, team.owner.user_id)
    opened = await api.json("views.open", created.bot_token, trigger_id=trigger, view=MODAL)
    assert opened["ok"], opened
    assert opened["view"]["id"].startswith("V")
    assert opened["view"]["root_view_id"] == opened["view"]["id"]
    again = await api.json("views.open", created.bot_token, trigger_id=trigger, view=MODAL)
    assert again["error"] == "expired_trigger_id"
    bogus = await api.json("views.open", created.bot_token, trigger_id="1.2.3", view=MODAL)
    assert bogus["error"] == "invalid_trigger_id"
    listed = await api("views.list", team.owner.token)
    assert [v["id"] for v in listed["views"]] == [opened["view"]["id"]]


async def test_trigger_of_another_app_is_invalid(api, factory, services):
    team, created = await _setup(factory, services)
    other = await create_app(services.db, team, manifest(name="Other", socket_mode=True))
    trigger = await _trigger(services, other, team.owner.user_id)
    stolen = await api.json("views.open", created.bot_token, trigger_id=trigger, view=MODAL)
    assert stolen["error"] == "invalid_trigger_id"


async def test_bad_view_is_invalid_arguments(api, factory, services):
    team, created = await _setup(factory, services)
    trigger = await _trigger(services, created, team.owner.user_id)
    bad = await api.json(
        "views.open", created.bot_token, trigger_id=trigger, view={"type": "modal"}
    )
    assert bad["error"] == "invalid_arguments"
    assert bad["response_metadata"]["messages"]


async def test_update_push_and_hash_conflict(api, factory, services):
    team, created = await _setup(factory, services)
    trigger = await _trigger(services, created, team.owner.user_id)
    view = (await api.json("views.open", created.bot_token, trigger_id=trigger, view=MODAL))["view"]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Changed"}}
    updated = await api.json(
        "views.update", created.bot_token, view_id=view["id"], view=changed, hash=view["hash"]
    )
    assert updated["view"]["title"]["text"] == "Changed"
    stale = await api.json(
        "views.update", created.bot_token, view_id=view["id"], view=MODAL, hash=view["hash"]
    )
    assert stale["error"] == "hash_conflict"
    pushed = await api.json(
        "views.push",
        created.bot_token,
        trigger_id=await _trigger(services, created, team.owner.user_id),
        view=MODAL,
    )
    assert pushed["view"]["root_view_id"] == view["id"]
    assert pushed["view"]["previous_view_id"] == view["id"]
    missing = await api.json("views.update", created.bot_token, view_id="VNOPE", view=MODAL)
    assert missing["error"] == "not_found"


async def test_publish_home_and_views_belong_to_their_person(api, factory, services):
    team, created = await _setup(factory, services)
    member = await factory.user(team)
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    published = await api.json(
        "views.publish", created.bot_token, user_id=member.user_id, view=home
    )
    assert published["view"]["type"] == "home"
    again = await api.json("views.publish", created.bot_token, user_id=member.user_id, view=home)
    assert again["view"]["id"] == published["view"]["id"]
    nobody = await api.json("views.publish", created.bot_token, user_id="UNOPE", view=home)
    assert nobody["error"] == "user_not_found"
    assert (await api("views.list", team.owner.token))["views"] == []
    not_mine = await api("views.submit", team.owner.token, view_id=published["view"]["id"])
    assert not_mine["error"] == "not_found"
    human = await api.json("views.publish", member.token, user_id=member.user_id, view=home)
    assert human["error"] == "not_allowed_token_type"
