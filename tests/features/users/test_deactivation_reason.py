"""admin.users.setActive keeps the optional `reason` of a deactivation (in the audit entry,
until the screen the deactivated person sees reads it)."""

from __future__ import annotations

from sqlalchemy import select

from parley.features.audit.models import AuditEntry
from parley.platform.services import Services
from tests.conftest import Api
from tests.factories import Factory


async def _details(services: Services, team_id: str, user_id: str) -> list[dict[str, object]]:
    async with services.db.read() as session:
        rows = await session.scalars(
            select(AuditEntry.details)
            .where(
                AuditEntry.workspace_id == team_id,
                AuditEntry.entity_id == user_id,
                AuditEntry.action == "user_deactivated",
            )
            .order_by(AuditEntry.id)
        )
        return list(rows.all())


async def test_the_reason_is_kept(api: Api, services: Services, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    done = await api(
        "admin.users.setActive",
        team.owner.token,
        user_id=member.user_id,
        active="false",
        reason="  Left the company  ",
    )
    assert done["ok"]
    assert await _details(services, team.team_id, member.user_id) == [
        {"reason": "Left the company"}
    ]
    assert (
        await api("admin.users.setActive", team.owner.token, user_id=member.user_id, active="true")
    )["ok"]
    too_long = await api(
        "admin.users.setActive",
        team.owner.token,
        user_id=member.user_id,
        active="false",
        reason="x" * 501,
    )
    assert too_long["ok"] is False
