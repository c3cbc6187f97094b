"""The apps.manifest.*, apps.uninstall and oauth.v2.access rules, called as actions (no
HTTP): a CLI or an admin console that manages apps gets the same rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from parley.features.apps import actions, oauth, store
from parley.features.audit.models import AuditEntry
from parley.platform.errors import ApiError
from parley.platform.origin import Origin
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.apps.helpers import create_app, manifest
from tests.features.principals import principal_of, refusal, refusal_in

CONSOLE = Origin(ip_address="203.0.113.7", user_agent="admin-console")


async def test_only_admins_manage_apps_and_that_is_checked_first(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    member = await principal_of(services, await factory.user(team))
    created = await create_app(services.db, team, manifest(socket_mode=True))
    app_id = created.app.id
    # no_permission comes before anything about the app or the manifest.
    assert await refusal_in(services, actions.check_create_app, member, {}, CONSOLE) == (
        "no_permission"
    )
    assert await refusal_in(services, actions.check_update_app, member, "Anope", {}) == (
        "no_permission"
    )
    assert await refusal_in(services, actions.check_delete_app, member, app_id) == ("no_permission")
    async with services.db.read() as session:
        code = await refusal(actions.access_managed_app(session, member, app_id))
    assert code == "no_permission"


async def test_an_admin_reaches_only_apps_made_in_their_workspace(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    elsewhere = await factory.workspace()
    owner = await principal_of(services, team.owner)
    theirs = await create_app(services.db, elsewhere, manifest(socket_mode=True))
    ours = await create_app(services.db, team, manifest(socket_mode=True))
    async with services.db.read() as session:
        for app_id in (None, "", "nonsense", "Anope", theirs.app.id):
            code = await refusal(actions.access_managed_app(session, owner, app_id))
            assert code == "app_not_found"
        assert (await actions.access_managed_app(session, owner, ours.app.id)).id == ours.app.id
    # The app is looked up before the manifest is read.
    assert await refusal_in(services, actions.check_update_app, owner, theirs.app.id, {}) == (
        "app_not_found"
    )
    assert await refusal_in(services, actions.check_update_app, owner, ours.app.id, {}) == (
        "invalid_manifest"
    )


async def test_creating_an_app_installs_it_and_is_audited(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = await principal_of(services, team.owner)
    assert await refusal_in(services, actions.check_create_app, owner, {}, CONSOLE) == (
        "invalid_manifest"
    )
    async with services.db.write() as uow:
        created, parsed = await actions.check_create_app(
            uow, owner, manifest(name="Deploy", socket_mode=True), CONSOLE
        )
    assert created.bot_token.startswith("xoxb-") and parsed.name == "Deploy"
    async with services.db.read() as session:
        entry = (
            await session.execute(
                select(AuditEntry).where(
                    AuditEntry.workspace_id == team.team_id,
                    AuditEntry.action == "app_installed",
                )
            )
        ).scalar_one()
    assert (entry.actor_id, entry.entity_id, entry.ip_address) == (
        team.owner.user_id,
        created.app.id,
        CONSOLE.ip_address,
    )
    assert entry.details["app_name"] == "Deploy"


async def test_updating_says_whether_the_bots_scopes_changed(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = await principal_of(services, team.owner)
    created = await create_app(
        services.db, team, manifest(socket_mode=True, events=(), bot_scopes=("chat:write",))
    )
    async with services.db.write() as uow:
        same = await actions.check_update_app(
            uow,
            owner,
            created.app.id,
            manifest(name="Renamed", socket_mode=True, events=(), bot_scopes=("chat:write",)),
        )
    assert not same.permissions_updated and same.app.name == "Renamed"
    async with services.db.write() as uow:
        wider = await actions.check_update_app(
            uow,
            owner,
            created.app.id,
            manifest(socket_mode=True, events=(), bot_scopes=("chat:write", "channels:read")),
        )
    assert wider.permissions_updated


async def test_deleting_ends_every_credential_of_the_app(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    owner = await principal_of(services, team.owner)
    created = await create_app(services.db, team, manifest(socket_mode=True))
    async with services.db.write() as uow:
        ended = await actions.check_delete_app(uow, owner, created.app.id)
    assert ended == {(team.team_id, created.app.bot_user_id)}
    async with services.db.read() as session:
        assert await store.get_owned_app(session, team.team_id, created.app.id) is None


async def test_uninstall_needs_the_apps_client_credentials_and_a_place_here(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    elsewhere = await factory.workspace()
    owner = await principal_of(services, team.owner)
    stranger = await principal_of(services, elsewhere.owner)
    created = await create_app(services.db, team, manifest(socket_mode=True))
    client_id, secret = created.app.client_id, created.client_secret
    uninstall = oauth.check_uninstall
    assert await refusal_in(services, uninstall, owner, "", secret, CONSOLE) == (
        "invalid_client_id"
    )
    # Neither made nor installed there: the secret is not even compared.
    assert await refusal_in(services, uninstall, stranger, client_id, secret, CONSOLE) == (
        "invalid_client_id"
    )
    assert await refusal_in(services, uninstall, owner, client_id, "nope", CONSOLE) == (
        "bad_client_secret"
    )
    async with services.db.write() as uow:
        ended = await uninstall(uow, owner, client_id, secret, CONSOLE)
    # In its own workspace the app is deleted, so its bot's credentials end too.
    assert (team.team_id, created.app.bot_user_id) in ended
    async with services.db.read() as session:
        assert await store.get_app_by_client_id(session, client_id) is None


@pytest.mark.parametrize("grant_type", [None, "", "authorization_code"])
def test_codes_are_the_only_grant(grant_type: str | None) -> None:
    oauth.check_grant_type(grant_type)


@pytest.mark.parametrize("grant_type", ["refresh_token", "client_credentials"])
def test_other_grants_are_refused(grant_type: str) -> None:
    with pytest.raises(ApiError) as refused:
        oauth.check_grant_type(grant_type)
    assert refused.value.code == "invalid_grant_type"
