"""Test data builders that go through actions (never raw INSERTs), like Zulip's do_* setup."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass

from parley.composition import install
from parley.features.auth.actions import do_issue_token
from parley.features.users import store as user_store
from parley.features.users.actions import do_create_user
from parley.features.workspaces.actions import check_create_workspace
from parley.platform.db import Database
from parley.platform.ids import new_id
from parley.platform.shards import new_workspace_write

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@dataclass(frozen=True)
class Member:
    user_id: str
    token: str
    email: str
    team_id: str


@dataclass(frozen=True)
class Team:
    team_id: str
    domain: str
    owner: Member


class Factory:
    def __init__(self, db: Database) -> None:
        # Features hook into identity (a workspace's #general, members joining it) when they
        # register; a test that builds data before it builds the app still gets them.
        install()
        self.db = db

    async def workspace(self, name: str = "Acme") -> Team:
        """A new workspace with a primary owner holding a full-scope user token."""
        domain = f"t{next(_counter)}-{secrets.token_hex(4)}"
        email = f"owner@{domain}.example"
        workspace_id = new_id("T")
        async with new_workspace_write(self.db, workspace_id, domain) as uow:
            created = await check_create_workspace(
                uow,
                workspace_id=workspace_id,
                name=name,
                domain=domain,
                owner_email=email,
                owner_password=PASSWORD,
                owner_name="Olive Owner",
            )
        owner = Member(created.owner.id, created.owner_token, email, created.workspace.id)
        return Team(team_id=created.workspace.id, domain=domain, owner=owner)

    async def user(
        self,
        team: Team,
        *,
        role: str = "member",
        name: str = "",
        scopes: tuple[str, ...] | None = None,
    ) -> Member:
        """A person in `team` with a user token (all user scopes unless `scopes` is given)."""
        n = next(_counter)
        email = f"user{n}@{team.domain}.example"
        async with self.db.workspace(team.team_id), self.db.write() as uow:
            user = await do_create_user(
                uow,
                team.team_id,
                email=email,
                password=PASSWORD,
                real_name=name or f"User {n}",
                role=role,
            )
            token = await do_issue_token(uow, user, kind="user", scopes=scopes)
        return Member(user.id, token, email, team.team_id)

    async def token(
        self, member: Member, *, kind: str = "user", scopes: tuple[str, ...] | None = None
    ) -> str:
        """Another token for an existing user (e.g. with fewer scopes)."""
        async with self.db.workspace(member.team_id), self.db.write() as uow:
            user = await user_store.get_user(uow.session, member.team_id, member.user_id)
            assert user is not None
            return await do_issue_token(uow, user, kind=kind, scopes=scopes)

    async def bot(
        self, team: Team, *, scopes: tuple[str, ...] | None = None, name: str = "robot"
    ) -> Member:
        """A bot user with a bot token (`xoxb-…`)."""
        async with self.db.workspace(team.team_id), self.db.write() as uow:
            user = await do_create_user(
                uow,
                team.team_id,
                email=None,
                password=None,
                real_name=name,
                is_bot=True,
                bot_id=new_id("B"),
                app_id=new_id("A"),
                name=name,
            )
            token = await do_issue_token(uow, user, kind="bot", scopes=scopes, app_id=user.app_id)
        return Member(user.id, token, "", team.team_id)
