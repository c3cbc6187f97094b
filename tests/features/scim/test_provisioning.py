"""SCIM provisioning as an identity provider drives it: create, find, deactivate, groups."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Api
from tests.factories import Factory, Team

SCIM = "/scim/v2"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_user(
    client: httpx.AsyncClient, team: Team, user_name: str, **extra: Any
) -> dict[str, Any]:
    body = {
        "schemas": [USER],
        "userName": user_name,
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "externalId": f"okta-{user_name}",
        "active": True,
        **extra,
    }
    response = await client.post(f"{SCIM}/Users", json=body, headers=auth(team.owner.token))
    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/scim+json")
    created: dict[str, Any] = response.json()
    return created


async def test_only_an_admin_token_reaches_scim(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    assert (await client.get(f"{SCIM}/Users")).status_code == 401
    refused = await client.get(f"{SCIM}/Users", headers=auth(member.token))
    assert refused.status_code == 403
    assert refused.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    narrow = await factory.token(team.owner, scopes=("users:read",))
    assert (await client.get(f"{SCIM}/Users", headers=auth(narrow))).status_code == 403
    assert (await client.get(f"{SCIM}/Users", headers=auth(team.owner.token))).status_code == 200


async def test_create_find_by_filter_and_conflicts(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    ann = await create_user(client, team, "ann.lee@acme.example", title="Engineer")
    assert ann["userName"] == "ann.lee@acme.example" and ann["active"] is True
    assert ann["name"] == {"givenName": "Ann", "familyName": "Lee"}
    assert ann["meta"]["version"].startswith('W/"')
    # A provider looks people up before creating them: an index probe, case-insensitive.
    found = await client.get(
        f"{SCIM}/Users",
        params={"filter": 'userName eq "ANN.LEE@acme.example"'},
        headers=auth(team.owner.token),
    )
    assert [r["id"] for r in found.json()["Resources"]] == [ann["id"]]
    by_external = await client.get(
        f"{SCIM}/Users",
        params={"filter": 'externalId eq "okta-ann.lee@acme.example" and active eq true'},
        headers=auth(team.owner.token),
    )
    assert by_external.json()["totalResults"] == 1
    # The member is a real member: users.info shows them with the provider's fields.
    info = await api("users.info", team.owner.token, user=ann["id"])
    assert info["user"]["profile"]["title"] == "Engineer"
    assert info["user"]["profile"]["email"] == "ann.lee@acme.example"
    again = await client.post(
        f"{SCIM}/Users",
        json={"schemas": [USER], "userName": "Ann.Lee@acme.example"},
        headers=auth(team.owner.token),
    )
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"
    bad = await client.get(
        f"{SCIM}/Users", params={"filter": 'nickName eq "x"'}, headers=auth(team.owner.token)
    )
    assert bad.status_code == 400 and bad.json()["scimType"] == "invalidFilter"
    broken = await client.post(
        f"{SCIM}/Users", content=b"{not json", headers=auth(team.owner.token)
    )
    assert broken.status_code == 400 and broken.json()["scimType"] == "invalidSyntax"


async def test_deprovisioning_deactivates_and_ends_access_at_once(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team, name="Bob Stone")
    assert (await api("auth.test", member.token))["ok"]
    # Entra ID's form: op in capitals, the value as text.
    patched = await client.patch(
        f"{SCIM}/Users/{member.user_id}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
        },
        headers=auth(team.owner.token),
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["active"] is False
    refused = await api("auth.test", member.token)
    assert refused["ok"] is False
    info = await api("users.info", team.owner.token, user=member.user_id)
    assert info["user"]["deleted"] is True
    audit = await api("admin.audit", team.owner.token)
    assert any(e["action"] == "user_deactivated" for e in audit["entries"])


async def test_delete_hides_the_member_from_scim_and_keeps_history(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    ann = await create_user(client, team, "ann@acme.example")
    deleted = await client.delete(f"{SCIM}/Users/{ann['id']}", headers=auth(team.owner.token))
    assert deleted.status_code == 204
    gone = await client.get(f"{SCIM}/Users/{ann['id']}", headers=auth(team.owner.token))
    assert gone.status_code == 404
    info = await api("users.info", team.owner.token, user=ann["id"])
    assert info["user"]["deleted"] is True
    # The userName may be provisioned again, for someone new.
    again = await create_user(client, team, "ann2@acme.example", userName="ann@acme.example")
    assert again["id"] != ann["id"]


async def test_if_match_refuses_a_stale_change(client: httpx.AsyncClient, factory: Factory) -> None:
    team = await factory.workspace()
    ann = await create_user(client, team, "ann@acme.example")
    stale = ann["meta"]["version"]
    first = await client.put(
        f"{SCIM}/Users/{ann['id']}",
        json={**ann, "title": "Lead"},
        headers={**auth(team.owner.token), "If-Match": stale},
    )
    assert first.status_code == 200 and first.headers["etag"] != stale
    second = await client.put(
        f"{SCIM}/Users/{ann['id']}",
        json={**ann, "title": "Manager"},
        headers={**auth(team.owner.token), "If-Match": stale},
    )
    assert second.status_code == 412


async def test_groups_are_user_groups(
    client: httpx.AsyncClient, api: Api, factory: Factory
) -> None:
    team = await factory.workspace()
    ann = await create_user(client, team, "ann@acme.example")
    bob = await create_user(client, team, "bob@acme.example")
    created = await client.post(
        f"{SCIM}/Groups",
        json={
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Platform Team",
            "members": [{"value": ann["id"]}],
        },
        headers=auth(team.owner.token),
    )
    assert created.status_code == 201, created.text
    group = created.json()
    listed = await api("usergroups.list", team.owner.token, include_users=True)
    (subteam,) = listed["usergroups"]
    assert subteam["id"] == group["id"] and subteam["handle"] == "platform-team"
    assert subteam["users"] == [ann["id"]]
    # Entra ID adds and removes members with a value list.
    for op, who in (("add", bob["id"]), ("remove", ann["id"])):
        changed = await client.patch(
            f"{SCIM}/Groups/{group['id']}",
            json={
                "schemas": [PATCH],
                "Operations": [{"op": op, "path": "members", "value": [{"value": who}]}],
            },
            headers=auth(team.owner.token),
        )
        assert changed.status_code == 200, changed.text
    members = await api("usergroups.users.list", team.owner.token, usergroup=group["id"])
    assert members["users"] == [bob["id"]]
    found = await client.get(
        f"{SCIM}/Groups",
        params={"filter": f'members[value eq "{bob["id"]}"]'},
        headers=auth(team.owner.token),
    )
    assert [g["id"] for g in found.json()["Resources"]] == [group["id"]]
    user = await client.get(f"{SCIM}/Users/{bob['id']}", headers=auth(team.owner.token))
    assert [g["value"] for g in user.json()["groups"]] == [group["id"]]
    unknown = await client.patch(
        f"{SCIM}/Groups/{group['id']}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": "UNOBODY"}]}],
        },
        headers=auth(team.owner.token),
    )
    assert unknown.status_code == 400
    removed = await client.delete(f"{SCIM}/Groups/{group['id']}", headers=auth(team.owner.token))
    assert removed.status_code == 204
    disabled = await api("usergroups.list", team.owner.token, include_disabled=True)
    assert disabled["usergroups"][0]["date_delete"] > 0


async def test_one_workspace_never_sees_another(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    acme = await factory.workspace()
    other = await factory.workspace()
    ann = await create_user(client, acme, "ann@acme.example")
    headers = auth(other.owner.token)
    assert (await client.get(f"{SCIM}/Users/{ann['id']}", headers=headers)).status_code == 404
    listed = await client.get(
        f"{SCIM}/Users", params={"filter": 'userName eq "ann@acme.example"'}, headers=headers
    )
    assert listed.json()["totalResults"] == 0
    patched = await client.patch(
        f"{SCIM}/Users/{ann['id']}",
        json={
            "schemas": [PATCH],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        },
        headers=headers,
    )
    assert patched.status_code == 404
    assert (await client.delete(f"{SCIM}/Users/{ann['id']}", headers=headers)).status_code == 404
    # The same userName is free in another workspace.
    await create_user(client, other, "ann@acme.example")
