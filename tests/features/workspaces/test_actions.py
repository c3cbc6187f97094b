"""Workspace actions: sign-up is one audited action; chat hears of the new workspace and
its members through identity's hooks (identity imports no chat feature)."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

import parley
from parley.features.audit.models import AuditEntry
from parley.features.conversations import store as conversation_store
from parley.features.users.store import get_user
from parley.features.workspaces.actions import access_team, check_sign_up
from parley.platform.origin import Origin
from parley.platform.services import Services
from tests.factories import PASSWORD, Factory
from tests.features.principals import principal_of, refusal

WEB = Origin(ip_address="198.51.100.4", user_agent="test-browser")
IDENTITY = ("accounts", "audit", "auth", "users", "workspaces")
CHAT = ("conversations", "messages", "reactions", "pins", "bookmarks", "files", "search", "rtm")


async def test_sign_up_makes_an_owner_with_a_session_and_an_audit_record(
    services: Services, factory: Factory
) -> None:
    async with services.db.write() as uow:
        new = await check_sign_up(
            uow,
            name="Signed Up",
            domain="signed-up-by-action",
            owner_email="founder@signed-up.example",
            owner_password=PASSWORD,
            owner_name="Founder",
            origin=WEB,
        )
    async with services.db.read() as session:
        owner = await get_user(session, new.user.workspace_id, new.user.id)
        general = await conversation_store.get_general(session, new.user.workspace_id)
        actions = (
            await session.execute(
                select(AuditEntry.action).where(AuditEntry.workspace_id == new.user.workspace_id)
            )
        ).scalars()
        assert list(actions) == ["workspace_created"]
    assert owner is not None and owner.is_primary_owner and owner.account_id is not None
    assert general is not None  # made by the conversations feature's hook, same transaction


async def test_later_members_join_general_through_the_hook(
    services: Services, factory: Factory
) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    guest = await factory.user(team, role="guest")
    async with services.db.read() as session:
        general = await conversation_store.get_general(session, team.team_id)
        assert general is not None
        joined = await conversation_store.get_membership(session, general.id, member.user_id)
        outside = await conversation_store.get_membership(session, general.id, guest.user_id)
    assert joined is not None and outside is None


def test_identity_imports_no_chat_feature() -> None:
    features = Path(parley.__file__).parent / "features"
    offenders = []
    for name in IDENTITY:
        for path in (features / name).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                for module in _imported(node):
                    if any(module.startswith(f"parley.features.{c}") for c in CHAT):
                        offenders.append(f"{name}/{path.name}: {module}")
    assert offenders == []


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return []


async def test_team_info_reaches_only_the_callers_workspace(
    factory: Factory, services: Services
) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    owner = await principal_of(services, team.owner)
    async with services.db.read() as session:
        assert await refusal(access_team(session, owner, other.team_id, None)) == "team_not_found"
        assert await refusal(access_team(session, owner, None, other.domain)) == "team_not_found"
        found = await access_team(session, owner, team.team_id, team.domain)
    assert found.id == team.team_id
