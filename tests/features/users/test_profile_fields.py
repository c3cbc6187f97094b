"""Custom profile fields: team.profile.get, admin.teams.profile.*, users.profile.set fields."""

from __future__ import annotations

import orjson

from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.conversations.helpers import events_of


async def _add_field(api: Api, token: str, **field: object) -> dict[str, object]:
    return await api("admin.teams.profile.setField", token, field=orjson.dumps(field).decode())


async def test_admin_defines_fields_members_read_them(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    added = await _add_field(api, team.owner.token, label="Team", hint="Where you work")
    assert added["ok"], added
    house = await _add_field(
        api,
        team.owner.token,
        label="House",
        type="options_list",
        possible_values=["Red", "Blue"],
    )
    field_id = added["field"]["id"]  # type: ignore[index]
    got = await api("team.profile.get", member.token)
    assert got["ok"], got
    fields = got["profile"]["fields"]
    assert [f["label"] for f in fields] == ["Team", "House"]
    assert fields[0] == {
        "id": field_id,
        "ordering": 0,
        "field_name": "",
        "label": "Team",
        "hint": "Where you work",
        "type": "text",
        "possible_values": None,
        "options": {"is_protected": False, "is_scim": False},
        "is_hidden": False,
        "section_id": "",
    }
    assert fields[1]["possible_values"] == ["Red", "Blue"]
    event = (await events_of(services.db, team, "team_profile_change"))[-1]
    assert event.payload["profile"]["fields"][0]["label"] == "House"
    assert event.audience == {"kind": "workspace"}

    # Hide one: the visibility filter follows it.
    hidden = await _add_field(api, team.owner.token, id=house["field"]["id"], is_hidden=True)  # type: ignore[index]
    assert hidden["ok"], hidden
    visible = await api("team.profile.get", member.token, visibility="visible")
    assert [f["label"] for f in visible["profile"]["fields"]] == ["Team"]
    only_hidden = await api("team.profile.get", member.token, visibility="hidden")
    assert [f["label"] for f in only_hidden["profile"]["fields"]] == ["House"]
    assert (await api("team.profile.get", member.token, visibility="x"))[
        "error"
    ] == "invalid_visibility"


async def test_field_admin_errors(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await _add_field(api, member.token, label="Nope"))["error"] == "not_an_admin"
    assert (await _add_field(api, team.owner.token, label=""))["error"] == "invalid_profile"
    assert (await _add_field(api, team.owner.token, label="X", type="color"))[
        "error"
    ] == "invalid_profile"
    assert (await _add_field(api, team.owner.token, label="X", type="options_list"))[
        "error"
    ] == "invalid_profile"
    assert (await _add_field(api, team.owner.token, id="Xfnothere", label="Y"))[
        "error"
    ] == "field_not_found"
    assert (await api("admin.teams.profile.setField", team.owner.token))[
        "error"
    ] == "invalid_profile"
    assert (await api("admin.teams.profile.removeField", team.owner.token, id="Xfnothere"))[
        "error"
    ] == "field_not_found"


async def test_members_set_values_and_removal_clears_them(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    other = await factory.user(team)
    team_field = (await _add_field(api, team.owner.token, label="Team"))["field"]["id"]  # type: ignore[index]
    house = (
        await _add_field(
            api, team.owner.token, label="House", type="options_list", possible_values=["Red"]
        )
    )["field"]["id"]  # type: ignore[index]

    fields = {team_field: {"value": "Platform", "alt": ""}, house: {"value": "Red"}}
    body = await api.json("users.profile.set", member.token, profile={"fields": fields})
    assert body["ok"], body
    assert body["profile"]["fields"][team_field] == {"value": "Platform", "alt": ""}
    seen = await api("users.profile.get", other.token, user=member.user_id)
    assert seen["profile"]["fields"] == {
        team_field: {"value": "Platform", "alt": ""},
        house: {"value": "Red", "alt": ""},
    }
    bad = {house: {"value": "Green"}}
    assert (await api.json("users.profile.set", member.token, profile={"fields": bad}))[
        "error"
    ] == "invalid_profile"
    assert (await api.json("users.profile.set", member.token, profile={"fields": {"Xfnope": "x"}}))[
        "error"
    ] == "invalid_profile"
    # An empty value clears it.
    cleared = await api.json(
        "users.profile.set", member.token, profile={"fields": {team_field: {"value": ""}}}
    )
    assert team_field not in cleared["profile"]["fields"]

    assert (await api("admin.teams.profile.removeField", team.owner.token, id=house))["ok"]
    after = await api("users.profile.get", member.token)
    assert after["profile"]["fields"] == {}
    gone = (await events_of(services.db, team, "team_profile_delete"))[-1]
    assert gone.payload["profile"] == {"fields": [{"id": house}]}


async def test_fields_never_cross_workspaces(
    api: Api, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    elsewhere = await factory.workspace("Other")
    field = (await _add_field(api, team.owner.token, label="Secret"))["field"]["id"]  # type: ignore[index]
    assert (await api("team.profile.get", elsewhere.owner.token))["profile"]["fields"] == []
    # Another workspace's admin can neither change nor remove it, nor its members fill it.
    assert (await _add_field(api, elsewhere.owner.token, id=field, label="Mine"))[
        "error"
    ] == "field_not_found"
    assert (await api("admin.teams.profile.removeField", elsewhere.owner.token, id=field))[
        "error"
    ] == "field_not_found"
    assert (
        await api.json("users.profile.set", elsewhere.owner.token, profile={"fields": {field: "x"}})
    )["error"] == "invalid_profile"
    assert await events_of(services.db, elsewhere, "team_profile_change") == []
