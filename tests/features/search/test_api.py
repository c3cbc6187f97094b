"""search.messages and search.all: shapes, every modifier, sorting, highlights, paging."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.search.seed import Seeder


async def search(api: Api, member: Member, query: str, **args: Any) -> dict[str, Any]:
    body = await api("search.messages", member.token, query=query, **args)
    assert body["ok"], body
    return body


def texts(body: dict[str, Any]) -> list[str]:
    return [match["text"] for match in body["messages"]["matches"]]


async def team_with_channel(factory: Factory, seed: Seeder) -> tuple[Team, str]:
    team = await factory.workspace()
    channel = await seed.channel(team, [team.owner], name="main")
    return team, channel


async def test_match_shape_and_paging_blocks(api: Api, factory: Factory, seed: Seeder) -> None:
    team, channel = await team_with_channel(factory, seed)
    posted = await seed.post(channel, team.owner, "The meaning of life is 42")
    await seed.post(channel, team.owner, "nothing to see")
    body = await search(api, team.owner, "meaning")
    assert body["query"] == "meaning"
    messages = body["messages"]
    assert messages["total"] == 1
    (match,) = messages["matches"]
    assert match["type"] == "message"
    assert match["ts"] == posted.ts and match["text"] == "The meaning of life is 42"
    assert match["user"] == team.owner.user_id
    assert match["username"] == await seed.handle(team.owner)
    assert match["team"] == team.team_id
    assert len(match["iid"]) == 36
    assert match["permalink"] == (
        f"http://parley.test/archives/{channel}/p{posted.ts.replace('.', '')}"
    )
    assert match["channel"]["id"] == channel and match["channel"]["name"] == "main"
    assert match["channel"]["is_channel"] is True and match["channel"]["is_private"] is False
    assert match["channel"]["is_mpim"] is False
    assert messages["pagination"] == {
        "total_count": 1,
        "page": 1,
        "per_page": 20,
        "page_count": 1,
        "first": 1,
        "last": 1,
    }
    assert messages["paging"] == {"count": 20, "total": 1, "page": 1, "pages": 1}
    assert "response_metadata" not in body


async def test_no_matches_gives_an_empty_result(api: Api, factory: Factory, seed: Seeder) -> None:
    team, channel = await team_with_channel(factory, seed)
    await seed.post(channel, team.owner, "hello")
    body = await search(api, team.owner, "absent")
    assert body["messages"]["total"] == 0 and body["messages"]["matches"] == []
    assert body["messages"]["paging"]["pages"] == 0


async def test_errors_query_token_kind_and_scope(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    assert (await api("search.messages", team.owner.token))["error"] == "no_query"
    assert (await api("search.messages", team.owner.token, query="  "))["error"] == "no_query"
    bot = await factory.bot(team)
    assert (await api("search.messages", bot.token, query="x"))["error"] == (
        "not_allowed_token_type"
    )
    narrow = await factory.token(team.owner, scopes=("users:read",))
    denied = await api("search.messages", narrow, query="x")
    assert denied["error"] == "missing_scope" and denied["needed"] == "search:read"
    assert (await api("search.messages", team.owner.token, query="x", cursor="@@@"))[
        "error"
    ] == "invalid_cursor"
    assert (await api("search.messages", token=None, query="x"))["error"] == "not_authed"


async def test_words_phrases_prefixes_and_exclusions(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team, channel = await team_with_channel(factory, seed)
    for text in (
        "deploy the release notes today",
        "release the notes on deploy",
        "deploying tomorrow",
        "deploy failed, flaky test",
    ):
        await seed.post(channel, team.owner, text)
    owner = team.owner
    assert sorted(texts(await search(api, owner, "deploy notes"))) == [
        "deploy the release notes today",
        "release the notes on deploy",
    ]
    assert texts(await search(api, owner, '"release notes"')) == ["deploy the release notes today"]
    assert len(texts(await search(api, owner, "deploy*"))) == 4
    assert texts(await search(api, owner, "DEPLOYING")) == ["deploying tomorrow"]
    assert sorted(texts(await search(api, owner, "deploy -flaky"))) == [
        "deploy the release notes today",
        "release the notes on deploy",
    ]
    assert texts(await search(api, owner, 'deploy -"release notes" -flaky')) == [
        "release the notes on deploy"
    ]
    # Only exclusions and a filter: everything in the channel except the excluded word.
    only_excluded = texts(await search(api, owner, "-deploy in:#main"))
    assert only_excluded == ["deploying tomorrow"]


async def test_user_input_is_never_fts_syntax(api: Api, factory: Factory, seed: Seeder) -> None:
    team, channel = await team_with_channel(factory, seed)
    await seed.post(channel, team.owner, "a NEAR b AND (c OR d)")
    for query in ("NEAR(a b)", "AND", "(c", 'text:"x', "a*b", "c OR", "^a", "'; DROP TABLE"):
        body = await api("search.messages", team.owner.token, query=query)
        assert body["ok"], (query, body)
    assert texts(await search(api, team.owner, "(c OR d)")) == ["a NEAR b AND (c OR d)"]


async def test_in_channel_by_name_link_and_dm(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    ann = await factory.user(team, name="Ann")
    # Every workspace has #random, and new people (Ann) join it.
    listed = await api("conversations.list", team.owner.token, limit=1000)
    random = next(c["id"] for c in listed["channels"] if c["name"] == "random")
    dm = await seed.dm(team, team.owner, ann)
    await seed.post(general, team.owner, "lunch in general")
    await seed.post(random, ann, "lunch in random")
    await seed.post(dm, ann, "lunch in private")
    owner = team.owner
    assert texts(await search(api, owner, "lunch in:#random")) == ["lunch in random"]
    assert texts(await search(api, owner, "lunch in:random")) == ["lunch in random"]
    assert texts(await search(api, owner, f"lunch in:<#{general}|general>")) == ["lunch in general"]
    ann_handle = await seed.handle(ann)
    dm_body = await search(api, owner, f"lunch in:@{ann_handle}")
    assert texts(dm_body) == ["lunch in private"]
    channel = dm_body["messages"]["matches"][0]["channel"]
    assert channel["is_im"] is True and channel["name"] == ann.user_id == channel["user"]
    assert texts(await search(api, owner, f"lunch in:<@{ann.user_id}>")) == ["lunch in private"]
    both = await search(api, owner, "lunch in:#random in:#main")
    assert sorted(texts(both)) == ["lunch in general", "lunch in random"]
    assert sorted(texts(await search(api, owner, "lunch -in:#random"))) == [
        "lunch in general",
        "lunch in private",
    ]
    assert texts(await search(api, owner, "lunch in:#nowhere")) == []
    assert texts(await search(api, owner, "lunch in:@nobody")) == []


async def test_from_by_handle_display_name_id_and_me(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team, general = await team_with_channel(factory, seed)
    ann = await factory.user(team)
    bob = await factory.user(team)
    await seed.set_profile(ann, display_name="Annie")
    for author in (team.owner, ann, bob):
        await seed.post(general, author, f"status from {author.user_id}")
    owner = team.owner
    ann_text = [f"status from {ann.user_id}"]
    assert texts(await search(api, owner, f"status from:@{await seed.handle(ann)}")) == ann_text
    assert texts(await search(api, owner, "status from:@annie")) == ann_text
    assert texts(await search(api, owner, f"status from:<@{ann.user_id}|ann>")) == ann_text
    assert texts(await search(api, owner, "from:me")) == [f"status from {owner.user_id}"]
    assert len(texts(await search(api, owner, "status -from:me"))) == 2
    assert texts(await search(api, owner, "status from:@ghost")) == []


async def test_to_me_finds_dms_and_mentions(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    ann = await factory.user(team)
    dm = await seed.dm(team, team.owner, ann)
    await seed.post(dm, ann, "ping one")
    await seed.post(dm, team.owner, "ping two")  # sent by me: not "to me"
    await seed.post(general, ann, f"ping three <@{team.owner.user_id}>")
    await seed.post(general, ann, "ping four")
    assert sorted(texts(await search(api, team.owner, "ping to:me"))) == [
        "ping one",
        f"ping three <@{team.owner.user_id}>",
    ]


async def test_date_filters(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)

    def at(day: str, hour: int = 12) -> int:
        return int(
            datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC).timestamp()
        )

    await seed.post(general, team.owner, "report october", at=at("2025-10-15"))
    await seed.post(general, team.owner, "report early november", at=at("2025-11-01", 0))
    await seed.post(general, team.owner, "report mid november", at=at("2025-11-15"))
    await seed.post(general, team.owner, "report today")
    owner = team.owner
    assert texts(await search(api, owner, "report before:2025-11-01")) == ["report october"]
    assert texts(await search(api, owner, "report on:2025-11-01")) == ["report early november"]
    assert sorted(texts(await search(api, owner, "report during:2025-11"))) == [
        "report early november",
        "report mid november",
    ]
    after = texts(await search(api, owner, "report after:2025-11-01", sort="timestamp"))
    assert after == ["report today", "report mid november"]
    assert texts(await search(api, owner, "report during:today")) == ["report today"]
    assert texts(await search(api, owner, "report during:2025")) != []
    assert texts(await search(api, owner, "report during:yesterday")) == []


async def test_has_and_is_filters(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    ann = await factory.user(team)
    linked = await seed.post(general, team.owner, "topic <https://example.com>")
    reacted = await seed.post(general, team.owner, "topic with reaction")
    pinned = await seed.post(general, team.owner, "topic pinned")
    root = await seed.post(general, team.owner, "topic thread root")
    await seed.post(general, ann, "topic reply", thread_ts=root.ts)
    saved = await seed.post(general, team.owner, "topic saved")
    await seed.react(reacted, ann, "tada")
    await seed.pin(pinned, team.owner)
    await seed.save(saved, team.owner)
    await seed.save(linked, ann)  # saved by someone else: not in my is:saved
    owner = team.owner
    assert texts(await search(api, owner, "topic has:link")) == ["topic <https://example.com>"]
    assert texts(await search(api, owner, "topic has:reaction")) == ["topic with reaction"]
    assert texts(await search(api, owner, "has::tada:")) == ["topic with reaction"]
    assert texts(await search(api, owner, "has::smile:")) == []
    assert texts(await search(api, owner, "topic has:pin")) == ["topic pinned"]
    assert texts(await search(api, owner, "topic is:saved")) == ["topic saved"]
    # A thread is its root (once answered) and its replies.
    assert texts(await search(api, owner, "topic is:thread", sort="timestamp")) == [
        "topic reply",
        "topic thread root",
    ]


async def test_thread_reply_permalink_names_the_thread(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team, general = await team_with_channel(factory, seed)
    root = await seed.post(general, team.owner, "parent")
    reply = await seed.post(general, team.owner, "child words", thread_ts=root.ts)
    (match,) = (await search(api, team.owner, "child"))["messages"]["matches"]
    assert match["thread_ts"] == root.ts
    assert match["permalink"].endswith(
        f"/p{reply.ts.replace('.', '')}?thread_ts={root.ts}&cid={general}"
    )


async def test_sort_by_score_and_timestamp(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    await seed.post(general, team.owner, "alpha beta gamma delta epsilon zeta eta theta kiwi")
    await seed.post(general, team.owner, "kiwi kiwi kiwi")
    await seed.post(general, team.owner, "kiwi and more words here")
    owner = team.owner
    by_score = texts(await search(api, owner, "kiwi"))
    assert by_score[0] == "kiwi kiwi kiwi"
    assert by_score[-1] == "alpha beta gamma delta epsilon zeta eta theta kiwi"
    worst_first = texts(await search(api, owner, "kiwi", sort_dir="asc"))
    assert worst_first == list(reversed(by_score))
    newest = texts(await search(api, owner, "kiwi", sort="timestamp"))
    assert newest[0] == "kiwi and more words here"
    oldest = texts(await search(api, owner, "kiwi", sort="timestamp", sort_dir="asc"))
    assert oldest == list(reversed(newest))
    scores = [m["score"] for m in (await search(api, owner, "kiwi"))["messages"]["matches"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


async def test_highlight_marks_each_hit(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    await seed.post(general, team.owner, "Deploy the release notes; deployment done")
    plain = await search(api, team.owner, '"release notes" deploy')
    assert "\ue000" not in texts(plain)[0]
    marked = texts(await search(api, team.owner, '"release notes" deploy', highlight="true"))[0]
    assert marked == "\ue000Deploy\ue001 the \ue000release notes\ue001; deployment done"
    prefix = texts(await search(api, team.owner, "deploy*", highlight=1))[0]
    assert prefix.count("\ue000") == 2 and "\ue000deployment\ue001" in prefix


async def test_page_pagination(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    for n in range(5):
        await seed.post(general, team.owner, f"paged item {n}")
    first = await search(api, team.owner, "paged", count=2, sort="timestamp")
    assert texts(first) == ["paged item 4", "paged item 3"]
    assert first["messages"]["pagination"] == {
        "total_count": 5,
        "page": 1,
        "per_page": 2,
        "page_count": 3,
        "first": 1,
        "last": 2,
    }
    last = await search(api, team.owner, "paged", count=2, page=3, sort="timestamp")
    assert texts(last) == ["paged item 0"]
    assert last["messages"]["pagination"]["first"] == 5
    assert last["messages"]["pagination"]["last"] == 5
    assert last["messages"]["paging"] == {"count": 2, "total": 5, "page": 3, "pages": 3}
    beyond = await search(api, team.owner, "paged", count=2, page=9)
    assert beyond["messages"]["matches"] == [] and beyond["messages"]["total"] == 5
    capped = await search(api, team.owner, "paged", count=500)
    assert capped["messages"]["paging"]["count"] == 100


async def test_cursor_pagination(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    for n in range(5):
        await seed.post(general, team.owner, f"cursor item {n}")
    seen: list[str] = []
    cursor = "*"
    pages = 0
    while cursor:
        body = await search(api, team.owner, "cursor", count=2, cursor=cursor, sort="timestamp")
        seen += texts(body)
        cursor = body["response_metadata"]["next_cursor"]
        assert body["messages"]["pagination"]["next_cursor"] == cursor
        pages += 1
    assert pages == 3
    assert seen == [f"cursor item {n}" for n in reversed(range(5))]


async def test_filters_without_words_list_newest_first(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team, general = await team_with_channel(factory, seed)
    for n in range(3):
        await seed.post(general, team.owner, f"entry {n}")
    body = await search(api, team.owner, "in:#main")
    assert texts(body) == ["entry 2", "entry 1", "entry 0"]
    assert {m["score"] for m in body["messages"]["matches"]} == {0}


async def test_search_all_adds_files_and_posts(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    await seed.post(general, team.owner, "everything")
    body = await api("search.all", team.owner.token, query="everything", count=5)
    assert body["ok"] and texts(body) == ["everything"]
    assert body["files"]["total"] == 0 and body["files"]["matches"] == []
    assert body["files"]["paging"] == {"count": 5, "total": 0, "page": 1, "pages": 0}
    assert body["posts"] == {"total": 0, "matches": []}
    assert (await api("search.all", team.owner.token))["error"] == "no_query"


async def test_json_body_and_get_query(api: Api, factory: Factory, seed: Seeder) -> None:
    team, general = await team_with_channel(factory, seed)
    await seed.post(general, team.owner, "json works")
    body = await api.json("search.messages", team.owner.token, query="json", highlight=True)
    assert texts(body) == ["\ue000json\ue001 works"]
    response = await api.client.get(
        "/api/search.messages", params={"query": "works", "token": team.owner.token}
    )
    assert [m["text"] for m in response.json()["messages"]["matches"]] == ["json works"]
