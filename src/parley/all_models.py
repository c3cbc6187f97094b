"""Imports every table so that `Base.metadata` is complete (Alembic and tests use it)."""

from parley.auth.models import BrowserSession, Invitation, Token
from parley.core.db import Base
from parley.events.models import EventLog
from parley.users.models import User
from parley.workspaces.models import Workspace

__all__ = ["Base", "BrowserSession", "EventLog", "Invitation", "Token", "User", "Workspace"]
