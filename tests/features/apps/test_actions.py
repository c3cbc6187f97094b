"""The apps.manifest.*, apps.uninstall and oauth.v2.access rules, called as actions (no
HTTP): a CLI or an admin console that manages apps gets the same rules."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from parley.features.apps import actions, oauth, store, views
from parley.features.apps.actions import CreatedApp
from parley.features.audit.models import AuditEntry
from parley.platform.errors import ApiError
from parley.platform.origin import Origin
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory, Team
from tests.features.apps.helpers import create_app, manifest
from tests.features.principals import principal_of, refusal, refusal_in

CONSOLE = Origin(ip_address="203.0.113.7", user_agent="admin-console")
TEXT = {"type": "plain_text", "text": "Go"}


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


# --- what a person may trigger, and what an app may do with views -------------------------

BUTTON = [
    {
        "type": "actions",
        "block_id": "b1",
        "elements": [{"type": "button", "action_id": "approve", "text": TEXT, "value": "1"}],
    }
]


async def _channel_with_app(
    api: Api, factory: Factory, services: Services
) -> tuple[Team, CreatedApp, str]:
    team = await factory.workspace()
    created = await create_app(
        services.db,
        team,
        manifest(
            socket_mode=True, commands=("/deploy",), shortcuts=(("global", "g"), ("message", "m"))
        ),
    )
    channel = (await api("conversations.create", team.owner.token, name="ops"))["channel"]["id"]
    return team, created, channel


async def test_commands_and_message_actions_need_a_readable_channel_then_an_app_here(
    api: Api, factory: Factory, services: Services
) -> None:
    team, created, channel = await _channel_with_app(api, factory, services)
    owner = await principal_of(services, team.owner)
    stranger = await principal_of(services, (await factory.workspace()).owner)
    async with services.db.read() as session:
        # Another workspace's person cannot tell the channel exists, whatever the command.
        assert await refusal(actions.access_command(session, stranger, channel, "/nope")) == (
            "channel_not_found"
        )
        assert await refusal(actions.access_command(session, owner, channel, "/nope")) == (
            "invalid_command"
        )
        target = await actions.access_command(session, owner, channel, " /DEPLOY ")
    assert (target.app.id, target.command.command) == (created.app.id, "/deploy")

    posted = await api(
        "chat.postMessage", team.owner.token, channel=channel, text="x", blocks=json.dumps(BUTTON)
    )
    plain = await api("chat.postMessage", team.owner.token, channel=channel, text="plain")
    access = actions.access_message_action
    async with services.db.read() as session:
        assert await refusal(access(session, owner, channel, "1.000001", "approve", None)) == (
            "message_not_found"
        )
        assert await refusal(access(session, owner, channel, plain["ts"], "approve", None)) == (
            "action_not_found"
        )
        # A person's own message with a button is no app's: nobody to send the click to.
        assert await refusal(access(session, owner, channel, posted["ts"], "approve", None)) == (
            "app_not_found"
        )


async def test_shortcuts_are_the_apps_own_of_the_right_kind(
    api: Api, factory: Factory, services: Services
) -> None:
    team, created, channel = await _channel_with_app(api, factory, services)
    elsewhere = await create_app(services.db, await factory.workspace(), manifest(socket_mode=True))
    owner = await principal_of(services, team.owner)
    app_id = created.app.id
    access = actions.access_shortcut
    async with services.db.read() as session:
        assert await refusal(access(session, owner, elsewhere.app.id, "g", None, None)) == (
            "app_not_found"
        )
        # "m" is a message shortcut: without a message it is not a global one.
        assert await refusal(access(session, owner, app_id, "m", None, None)) == (
            "shortcut_not_found"
        )
        assert await refusal(access(session, owner, app_id, "m", "Cnope", "1.000001")) == (
            "channel_not_found"
        )
        assert await refusal(access(session, owner, app_id, "m", channel, "1.000001")) == (
            "message_not_found"
        )
        found = await access(session, owner, app_id, "g", None, None)
    assert (found.shortcut.callback_id, found.conversation, found.message) == ("g", None, None)


async def test_only_admins_or_webhook_apps_make_incoming_webhooks(
    api: Api, factory: Factory, services: Services
) -> None:
    team, _created, channel = await _channel_with_app(api, factory, services)
    member = await principal_of(services, await factory.user(team))
    owner = await principal_of(services, team.owner)
    # no_permission before the channel is even looked at.
    assert await refusal_in(services, actions.check_create_webhook, member, "Cnope") == (
        "no_permission"
    )
    assert await refusal_in(services, actions.check_create_webhook, owner, "Cnope") == (
        "channel_not_found"
    )
    async with services.db.write() as uow:
        made = await actions.check_create_webhook(uow, owner, channel)
    assert (made.conversation.id, made.hook.app_id, made.hook.created_by) == (
        channel,
        None,
        team.owner.user_id,
    )


async def test_views_belong_to_the_calling_app_and_its_triggers(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    created = await create_app(services.db, team, manifest(socket_mode=True))
    app = await principal_of(services, created.bot_token)
    person = await principal_of(services, team.owner)
    stranger = await factory.workspace()
    modal = {"type": "modal", "title": TEXT, "blocks": []}
    home = {"type": "home", "blocks": []}
    # A person's token is no app's: views are refused before the view is read.
    assert await refusal_in(services, views.check_open_view, person, {}, "t") == (
        "not_allowed_token_type"
    )
    assert await refusal_in(services, views.check_open_view, app, {}, "t") == "invalid_arguments"
    assert await refusal_in(services, views.check_open_view, app, modal, "t") == (
        "invalid_trigger_id"
    )
    async with services.db.write() as uow:
        trigger = await views.do_create_trigger(uow, created.app, team.owner.user_id)
    # A trigger with no modal open to push onto is not a push trigger (and is used up).
    assert await refusal_in(services, views.check_push_view, app, modal, trigger) == (
        "invalid_trigger_id"
    )
    assert await refusal_in(
        services, views.check_publish_home, app, stranger.owner.user_id, home, None
    ) == ("user_not_found")
    async with services.db.write() as uow:
        row, _ = await views.check_publish_home(uow, app, team.owner.user_id, home, None)
    assert await refusal_in(services, views.check_update_view, app, None, "ext", home, None) == (
        "not_found"
    )
    assert await refusal_in(services, views.check_update_view, app, row.id, None, home, "1.x") == (
        "hash_conflict"
    )


async def test_a_person_acts_only_on_their_own_open_views(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    created = await create_app(services.db, team, manifest(socket_mode=True))
    app = await principal_of(services, created.bot_token)
    owner = await principal_of(services, team.owner)
    other = await principal_of(services, await factory.user(team))
    select_menu = {"type": "static_select", "action_id": "pick"}
    home = {
        "type": "home",
        "blocks": [{"type": "actions", "block_id": "b", "elements": [select_menu]}],
    }
    async with services.db.write() as uow:
        row, _ = await views.check_publish_home(uow, app, team.owner.user_id, home, None)
    async with services.db.read() as session:
        assert await refusal(views.access_own_view(session, other, row.id)) == "not_found"
        assert await refusal(views.access_view_element(session, owner, row.id, "nope", None)) == (
            "action_not_found"
        )
        # Only an external select loads options from the app.
        suggest = views.access_view_element(
            session, owner, row.id, "pick", None, types=("external_select",)
        )
        assert await refusal(suggest) == "action_not_found"
        found = await views.access_view_element(session, owner, row.id, "pick", "b")
    assert (found.view.id, found.block_id, found.element) == (row.id, "b", select_menu)
    # The tab is checked before the app.
    assert await refusal_in(services, views.check_open_home, owner, "Anope", "inbox") == (
        "invalid_tab"
    )
    assert await refusal_in(services, views.check_open_home, owner, "Anope", "home") == (
        "app_not_found"
    )
    async with services.db.write() as uow:
        opened = await views.check_open_home(uow, owner, created.app.id, "home")
    assert opened.view is not None and opened.view["id"] == row.id
