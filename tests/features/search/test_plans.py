"""SQLite's search plans (the newest matches walked in the full-text index, one person's
messages probed in it, `has:link` on its partial index) answer exactly what the plain plan
(every match ranked, as before) answers while the matches fit under the cap, and keep the
newest MAX_CANDIDATES when they do not."""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import func, literal, select

from parley.features.messages.models import Message
from parley.features.search import store
from parley.features.search.backend import backend_for
from parley.features.search.query import parse_query
from parley.platform.services import Services
from tests.factories import Factory, Member, Team
from tests.features.search.seed import Seeder

WORDS = ("deploy", "budget", "design", "review", "launch", "coffee")
QUERIES = (
    "deploy",
    "budget design",
    '"design review"',
    "launch -coffee",
    "deplo*",
    "from:me deploy",
    "from:me coffee -budget",
    "has:link",
    "has:link review",
    "-deploy",
    "in:#plans review",
    "from:me",
)


async def _plain(services: Services, viewer: store.Viewer, raw: str, **how: Any) -> list[Any]:
    """The page by the plan every query used before: all matches ranked and counted."""
    sort, ascending = how.get("sort", "score"), how.get("ascending", False)
    query = parse_query(raw, today=viewer.today())
    async with services.db.read() as session:
        resolved = await store.resolve_names(session, viewer, query)
        assert resolved is not None
        base = select(Message.id).where(*store._conditions(viewer, query, resolved))
        matched = backend_for("sqlite").match(
            base, query.terms, query.excluded, rank=sort == "score"
        )
        score = matched.score if matched.score is not None else literal(0.0)
        order = store._order(
            "score" if matched.score is not None else "timestamp", ascending, score
        )
        page = matched.select.add_columns(score.label("score"), func.count().over().label("total"))
        rows = (await session.execute(page.order_by(*order).limit(20))).all()
    return [(row.id, round(float(row.score or 0), 6), row.total) for row in rows]


async def _fast(services: Services, viewer: store.Viewer, raw: str, **how: Any) -> list[Any]:
    async with services.db.read() as session:
        _, result = await store.search(session, viewer, raw, limit=20, **how)
    return [(hit.message.id, round(hit.score, 6), result.total) for hit in result.hits]


async def _workspace(factory: Factory, seed: Seeder, rng: random.Random) -> tuple[Team, Member]:
    team = await factory.workspace()
    other = await factory.user(team)
    plans = await seed.channel(team, [team.owner, other], name="plans")
    hidden = await seed.channel(team, [other], private=True)  # the owner may not see it
    open_channel = await seed.channel(team, [other, team.owner])
    channels = (plans, hidden, open_channel)
    for n in range(120):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))
        if n % 7 == 0:
            text += " https://example.com/x"
        author = team.owner if rng.random() < 0.3 else other
        channel = rng.choice(channels if author is other else (plans, open_channel))
        await seed.post(channel, author, text)
    return team, other


def _sqlite_only(services: Services) -> None:
    if not services.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's plans; PostgreSQL keeps its own (tests/features/search/test_api)")


async def test_sqlite_plans_answer_as_the_plain_plan(
    factory: Factory, seed: Seeder, services: Services
) -> None:
    _sqlite_only(services)
    team, _ = await _workspace(factory, seed, random.Random(5))
    async with services.db.read() as session:
        viewer = await store.get_viewer(session, team.team_id, team.owner.user_id)
    assert viewer is not None
    for raw in QUERIES:
        for how in ({}, {"sort": "timestamp"}, {"sort": "timestamp", "ascending": True}):
            plain = await _plain(services, viewer, raw, **how)
            assert await _fast(services, viewer, raw, **how) == plain, (raw, how)
    assert await _plain(services, viewer, "deploy"), "the seed must give the queries matches"


async def test_sqlite_keeps_the_newest_visible_matches_under_the_cap(
    factory: Factory, seed: Seeder, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sqlite_only(services)
    team, _ = await _workspace(factory, seed, random.Random(9))
    async with services.db.read() as session:
        viewer = await store.get_viewer(session, team.team_id, team.owner.user_id)
    assert viewer is not None
    everything = await _plain(services, viewer, "review", sort="timestamp")
    monkeypatch.setattr(store, "MAX_CANDIDATES", 5)
    for raw in ("review", "has:link"):
        newest = [row[0] for row in await _plain(services, viewer, raw, sort="timestamp")][:5]
        capped = await _fast(services, viewer, raw)
        assert {row[0] for row in capped} == set(newest) and {row[2] for row in capped} == {5}
    assert len(everything) > 5
