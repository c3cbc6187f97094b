"""search.files, search.all's files block and search.people: matching, filters, who sees what."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Api
from tests.factories import Factory, Member
from tests.features.files.helpers import upload_bytes
from tests.features.search.seed import Seeder


async def upload(
    api: Api, client: httpx.AsyncClient, member: Member, filename: str, **share: Any
) -> dict[str, Any]:
    return await upload_bytes(api, client, member.token, b"content", filename=filename, **share)


async def file_names(api: Api, member: Member, query: str, **args: Any) -> list[str]:
    body = await api("search.files", member.token, query=query, **args)
    assert body["ok"], body
    return [match["name"] for match in body["files"]["matches"]]


async def test_files_match_name_and_title_words(
    api: Api, client: httpx.AsyncClient, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    channel = await seed.channel(team, [team.owner], name="finance")
    await upload(api, client, team.owner, "Q3-budget.xlsx", channel_id=channel)
    await upload(api, client, team.owner, "roadmap.pdf", channel_id=channel)
    await upload(api, client, team.owner, "budget-draft.txt", channel_id=channel)
    assert sorted(await file_names(api, team.owner, "budget")) == [
        "Q3-budget.xlsx",
        "budget-draft.txt",
    ]
    assert await file_names(api, team.owner, "budg q3") == ["Q3-budget.xlsx"]
    assert await file_names(api, team.owner, "budget -draft") == ["Q3-budget.xlsx"]
    assert await file_names(api, team.owner, "nothing-like-it") == []
    body = await api("search.files", team.owner.token, query="roadmap")
    (match,) = body["files"]["matches"]
    assert match["name"] == "roadmap.pdf" and match["channels"] == [channel]
    assert match["score"] > 0
    assert body["files"]["pagination"]["total_count"] == 1
    assert (await api("search.files", team.owner.token, query=" "))["error"] == "no_query"


async def test_file_filters_in_from_and_dates(
    api: Api, client: httpx.AsyncClient, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    ann = await factory.user(team, name="Ann Lee")
    general = await seed.channel(team, [team.owner, ann], name="general-talk")
    other = await seed.channel(team, [team.owner, ann], name="other")
    await upload(api, client, team.owner, "plan-a.txt", channel_id=general)
    await upload(api, client, ann, "plan-b.txt", channel_id=other)
    assert await file_names(api, team.owner, "plan in:#general-talk") == ["plan-a.txt"]
    assert await file_names(api, team.owner, "plan -in:#general-talk") == ["plan-b.txt"]
    assert await file_names(api, team.owner, f"plan from:<@{ann.user_id}>") == ["plan-b.txt"]
    assert await file_names(api, team.owner, "plan from:me") == ["plan-a.txt"]
    assert sorted(await file_names(api, team.owner, "plan during:today")) == [
        "plan-a.txt",
        "plan-b.txt",
    ]
    assert await file_names(api, team.owner, "plan before:2001-01-01") == []
    # Filters that only messages have match no file.
    assert await file_names(api, team.owner, "plan has:link") == []
    assert await file_names(api, team.owner, "plan in:#no-such-channel") == []


async def test_files_only_where_the_searcher_may_read(
    api: Api, client: httpx.AsyncClient, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    ann = await factory.user(team)
    bob = await factory.user(team)
    secret = await seed.channel(team, [ann], name="secret", private=True)
    await upload(api, client, ann, "secret-plan.txt", channel_id=secret)
    await upload(api, client, ann, "unshared-plan.txt")
    assert sorted(await file_names(api, ann, "plan")) == ["secret-plan.txt", "unshared-plan.txt"]
    assert await file_names(api, bob, "plan") == []
    # Another workspace never sees them, with the same words.
    elsewhere = await factory.workspace()
    assert await file_names(api, elsewhere.owner, "plan") == []


async def test_search_all_has_both_blocks(
    api: Api, client: httpx.AsyncClient, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    channel = await seed.channel(team, [team.owner], name="main")
    await seed.post(channel, team.owner, "the launch checklist is ready")
    await upload(api, client, team.owner, "launch-checklist.md", channel_id=channel)
    body = await api("search.all", team.owner.token, query="checklist")
    assert body["ok"], body
    assert body["messages"]["total"] == 1
    assert [m["name"] for m in body["files"]["matches"]] == ["launch-checklist.md"]
    assert body["files"]["paging"]["total"] == 1
    assert body["posts"] == {"total": 0, "matches": []}


async def test_file_search_pages_by_cursor(
    api: Api, client: httpx.AsyncClient, factory: Factory
) -> None:
    team = await factory.workspace()
    for n in range(3):
        await upload(api, client, team.owner, f"report-{n}.txt")
    first = await api("search.files", team.owner.token, query="report", count=2, cursor="*")
    assert len(first["files"]["matches"]) == 2
    cursor = first["response_metadata"]["next_cursor"]
    second = await api("search.files", team.owner.token, query="report", count=2, cursor=cursor)
    assert len(second["files"]["matches"]) == 1
    assert second["response_metadata"]["next_cursor"] == ""
    seen = {m["id"] for m in first["files"]["matches"] + second["files"]["matches"]}
    assert len(seen) == 3
    bad = await api("search.files", team.owner.token, query="report", cursor="bm90LWEtbnVtYmVy")
    assert bad["error"] == "invalid_cursor"


async def people(api: Api, member: Member, query: str, **args: Any) -> list[str]:
    body = await api("search.people", member.token, query=query, **args)
    assert body["ok"], body
    return [user["real_name"] for user in body["members"]]


async def test_people_by_the_start_of_a_name_or_title(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    ann = await factory.user(team, name="Ann Lee")
    await factory.user(team, name="Annika Berg")
    zed = await factory.user(team, name="Zed Annex")
    await seed.set_profile(zed, title="Staff Engineer")
    assert sorted(await people(api, team.owner, "ann")) == ["Ann Lee", "Annika Berg", "Zed Annex"]
    assert await people(api, team.owner, "ann lee") == ["Ann Lee"]
    assert await people(api, team.owner, "@lee") == ["Ann Lee"]
    assert await people(api, team.owner, "engin") == ["Zed Annex"]
    assert await people(api, team.owner, "nnik") == []  # the start of a word, not its middle
    body = await api("search.people", team.owner.token, query="ann lee")
    assert body["members"][0]["id"] == ann.user_id and body["total"] == 1
    assert (await api("search.people", team.owner.token, query=""))["error"] == "no_query"


async def test_people_by_email_only_with_the_email_scope(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    ann = await factory.user(team, name="Ann Lee")
    domain = ann.email.split("@")[1]  # the owner's address has it too
    assert sorted(await people(api, team.owner, domain)) == ["Ann Lee", "Olive Owner"]
    narrow = await factory.token(team.owner, scopes=("users:read",))
    body = await api("search.people", narrow, query=domain)
    assert body["ok"] and body["members"] == []
    body = await api("search.people", narrow, query="ann")
    assert "email" not in body["members"][0]["profile"]


async def test_people_leaves_out_the_deactivated_unless_asked(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    gone = await factory.user(team, name="Gone Person")
    deactivated = await api(
        "admin.users.setActive", team.owner.token, user_id=gone.user_id, active=False
    )
    assert deactivated["ok"], deactivated
    assert await people(api, team.owner, "gone") == []
    assert await people(api, team.owner, "gone", include_deactivated=True) == ["Gone Person"]


async def test_people_for_a_guest_and_across_workspaces(
    api: Api, factory: Factory, seed: Seeder
) -> None:
    team = await factory.workspace()
    guest = await factory.user(team, role="guest", name="Gus Guest")
    await factory.user(team, name="Paula Partner")
    colleague = await factory.user(team, name="Paul Colleague")
    await seed.channel(team, [colleague, guest], name="shared-with-guest")
    assert await people(api, guest, "paul") == ["Paul Colleague"]
    assert sorted(await people(api, team.owner, "paul")) == ["Paul Colleague", "Paula Partner"]
    elsewhere = await factory.workspace()
    await factory.user(elsewhere, name="Paul Elsewhere")
    assert sorted(await people(api, team.owner, "paul")) == ["Paul Colleague", "Paula Partner"]


async def test_people_pages(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    for n in range(3):
        await factory.user(team, name=f"Pat Number{n}")
    first = await api("search.people", team.owner.token, query="pat", count=2)
    assert len(first["members"]) == 2 and first["total"] == 3
    cursor = first["response_metadata"]["next_cursor"]
    second = await api("search.people", team.owner.token, query="pat", count=2, cursor=cursor)
    assert len(second["members"]) == 1
    assert second["response_metadata"]["next_cursor"] == ""
