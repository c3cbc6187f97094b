"""The files.* sharing and deleting rules, called as actions (no HTTP): any entry point
(an inbox connector attaching a file, the admin console) gets them."""

from __future__ import annotations

import httpx
import pytest

from parley.features.files import actions, store
from parley.features.files.actions import CompleteRequest
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory
from tests.features.files.helpers import upload_bytes
from tests.features.messages.helpers import make_channel
from tests.features.principals import principal_of, refusal_in

BASE_URL = "http://parley.test"


@pytest.fixture
def backend() -> str:
    return ""  # the rules do not depend on where the bytes are


async def test_completing_shares_only_where_the_uploader_may_post(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    got = await upload_bytes(api, client, bob.token, b"draft", complete=False)
    file_id = got["file_id"]
    mine = await make_channel(services.db, team, [team.owner, bob])
    theirs = await make_channel(services.db, team, [team.owner])
    quiet = await make_channel(
        services.db,
        team,
        [team.owner, bob],
        properties={"posting_restricted_to": {"type": ["admin"]}},
    )
    principal = await principal_of(services, bob)
    files = [{"id": file_id}]
    cases = {
        "too_many_channels": CompleteRequest(files, [f"C{n:010d}" for n in range(11)]),
        "invalid_arguments": CompleteRequest(files, [mine, quiet], thread_ts="1.000001"),
        "not_in_channel": CompleteRequest(files, [theirs]),
        "restricted_action": CompleteRequest(files, [quiet]),
    }
    for expected, request in cases.items():
        code = await refusal_in(
            services, actions.check_complete_upload, principal, BASE_URL, request
        )
        assert code == expected
    async with services.db.read() as session:
        file = await store.get_file(session, team.team_id, file_id)
        assert file is not None and file.state == "uploaded"  # the refusals rolled back
    async with services.db.write() as uow:
        [done] = await actions.check_complete_upload(
            uow, principal, BASE_URL, CompleteRequest(files, [mine])
        )
    async with services.db.read() as session:
        [share] = (await store.shared_in(session, [done.id]))[done.id]
    assert share.conversation.id == mine


async def test_only_the_uploader_or_an_admin_deletes_or_publishes(
    api: Api, client: httpx.AsyncClient, factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    bob = await factory.user(team)
    carol = await factory.user(team)
    channel = await make_channel(services.db, team, [team.owner, bob, carol])
    file = await upload_bytes(api, client, bob.token, b"report", channel_id=channel)
    stranger = await principal_of(services, carol)
    assert (
        await refusal_in(services, actions.check_delete_file, stranger, file["id"])
        == "cant_delete_file"
    )
    assert (
        await refusal_in(services, actions.check_share_public, stranger, file["id"])
        == "not_allowed"
    )
    admin = await principal_of(services, team.owner)
    async with services.db.write() as uow:
        published = await actions.check_share_public(uow, admin, file["id"])
    assert published.public_secret is not None
    async with services.db.write() as uow:
        keys = await actions.check_delete_file(uow, admin, file["id"])
    assert keys
    assert (
        await refusal_in(services, actions.check_delete_file, admin, file["id"]) == "file_not_found"
    )


async def test_remote_files_are_the_adding_apps_own(factory: Factory, services: Services) -> None:
    from parley.features.files import remote

    team = await factory.workspace()
    owner = await principal_of(services, await factory.bot(team))
    other_app = await principal_of(services, await factory.bot(team, name="other"))
    person = await principal_of(services, team.owner)
    changes = remote.RemoteChanges(title="Doc", external_url="https://example.com/d")
    async with services.db.write() as uow:
        added = await remote.check_add_remote(uow, owner, "ext", changes)
    assert (
        await refusal_in(services, remote.check_remove_remote, other_app, added.id, None)
        == "file_not_found"
    )
    assert (
        await refusal_in(services, remote.check_add_remote, person, "ext", changes)
        == "not_allowed_token_type"
    )
    bad = remote.RemoteChanges(title="", external_url="https://example.com/d")
    assert (
        await refusal_in(services, remote.check_update_remote, owner, added.id, None, bad)
        == "bad_title"
    )
    async with services.db.write() as uow:
        await remote.check_remove_remote(uow, owner, None, "ext")
    async with services.db.read() as session:
        assert await store.get_remote(session, team.team_id, added.app_id, file_id=added.id) is None
