"""Reading the audit log, called as an action (no HTTP): an admin console or a CLI that
shows the log gets the owners-only rule."""

from __future__ import annotations

from parley.features.audit import actions
from parley.platform.origin import Origin
from parley.platform.services import Services
from tests.factories import Factory
from tests.features.principals import principal_of, refusal


async def test_owners_alone_read_the_log_and_that_is_checked_before_the_cursor(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    admin = await principal_of(services, await factory.user(team, role="admin"))
    owner = await principal_of(services, team.owner)
    async with services.db.write() as uow:
        await actions.record(
            uow,
            team.team_id,
            "role_changed",
            actor_id=team.owner.user_id,
            entity_type="user",
            entity_id=team.owner.user_id,
            origin=Origin(),
        )
    read = actions.access_audit_entries
    async with services.db.read() as session:
        # An admin is not enough, whatever the cursor.
        code = await refusal(read(session, admin, "!!", limit=10, action=None, actor_id=None))
        assert code == "not_an_owner"
        code = await refusal(read(session, owner, "!!", limit=10, action=None, actor_id=None))
        assert code == "invalid_cursor"
        entries = await read(session, owner, None, limit=10, action="role_changed", actor_id=None)
    assert [e.action for e in entries] == ["role_changed"]
