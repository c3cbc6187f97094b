"""emoji.list and admin.emoji.* over HTTP."""

from __future__ import annotations

from tests.conftest import Api
from tests.factories import Factory
from tests.features.reactions.helpers import events_of

URL = "https://img.example/party.gif"


async def test_add_alias_list_remove(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner.token
    member = await factory.user(team)
    assert await api("admin.emoji.add", owner, name=":partyparrot:", url=URL) == {"ok": True}
    assert (await api("admin.emoji.addAlias", owner, name="birb", alias_for="partyparrot"))["ok"]
    # An alias of an alias points at the original.
    assert (await api("admin.emoji.addAlias", owner, name="pp", alias_for=":birb:"))["ok"]
    assert (await api("admin.emoji.addAlias", owner, name="yes", alias_for="+1"))["ok"]
    listed = await api("emoji.list", member.token)
    assert listed["emoji"] == {
        "partyparrot": URL,
        "birb": "alias:partyparrot",
        "pp": "alias:partyparrot",
        "yes": "alias:+1",
    }
    assert listed["cache_ts"]
    assert await api("admin.emoji.remove", owner, name="partyparrot") == {"ok": True}
    assert (await api("emoji.list", member.token))["emoji"] == {"yes": "alias:+1"}

    (added, *_) = await events_of(factory.db, team, "emoji_changed")
    assert added["subtype"] == "add" and added["name"] == "partyparrot" and added["value"] == URL
    assert added["_audience"] == {"kind": "workspace"}
    removed = (await events_of(factory.db, team, "emoji_changed"))[-1]
    assert removed["subtype"] == "remove"
    assert sorted(removed["names"]) == ["birb", "partyparrot", "pp"]


async def test_custom_emoji_are_per_workspace(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    other = await factory.workspace()
    await api("admin.emoji.add", team.owner.token, name="blob", url=URL)
    assert (await api("emoji.list", other.owner.token))["emoji"] == {}
    assert (await api("admin.emoji.add", other.owner.token, name="blob", url=URL))["ok"]
    assert (await api("admin.emoji.remove", other.owner.token, name="nope"))[
        "error"
    ] == "emoji_not_found"


async def test_name_and_url_errors(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    owner = team.owner.token
    await api("admin.emoji.add", owner, name="blob", url=URL)
    cases = {
        "blob": "error_name_taken",
        "tada": "error_name_taken_i18n",
        "Blob2": "error_lower_case_names_only",
        "bad name": "error_bad_name_i18n",
        "a" * 101: "error_bad_name_length",
        "": "error_missing_name",
        "::": "error_missing_name",
    }
    for name, error in cases.items():
        assert (await api("admin.emoji.add", owner, name=name, url=URL))["error"] == error, name
    for url, error in {"": "error_no_image", "javascript:alert(1)": "error_bad_upload"}.items():
        assert (await api("admin.emoji.add", owner, name="x1", url=url))["error"] == error
    alias = await api("admin.emoji.addAlias", owner, name="b2", alias_for="nothing_here")
    assert alias["error"] == "error_invalid_alias"
    assert (await api("admin.emoji.addAlias", owner, name="b2", alias_for=""))[
        "error"
    ] == "no_alias_selected"
    assert (await api("admin.emoji.addAlias", owner, name="blob", alias_for="tada"))[
        "error"
    ] == "error_name_taken"
    assert (await api("admin.emoji.remove", owner, name="tada"))["error"] == "emoji_not_found"


async def test_permissions(api: Api, factory: Factory) -> None:
    team = await factory.workspace()
    member = await factory.user(team)
    admin = await factory.user(team, role="admin")
    guest = await factory.user(team, role="guest")
    bot = await factory.bot(team, scopes=("emoji:read",))
    no_scope_bot = await factory.bot(team, scopes=("chat:write",))
    assert (await api("admin.emoji.add", member.token, name="mx9", url=URL))[
        "error"
    ] == "not_an_admin"
    assert (await api("admin.emoji.add", guest.token, name="gx9", url=URL))[
        "error"
    ] == "not_an_admin"
    assert (await api("admin.emoji.add", admin.token, name="ax9", url=URL))["ok"]
    assert (await api("admin.emoji.remove", member.token, name="ax9"))["error"] == "not_an_admin"
    assert (await api("admin.emoji.addAlias", member.token, name="bx9", alias_for="ax9"))[
        "error"
    ] == "not_an_admin"
    assert (await api("admin.emoji.add", bot.token, name="bx9", url=URL))[
        "error"
    ] == "not_allowed_token_type"
    assert (await api("emoji.list", bot.token))["emoji"] == {"ax9": URL}
    assert (await api("emoji.list", guest.token))["ok"]
    assert (await api("emoji.list", no_scope_bot.token))["error"] == "missing_scope"
    await api("admin.users.setActive", team.owner.token, user_id=admin.user_id, active=False)
    assert (await api("emoji.list", admin.token))["error"] == "account_inactive"


def test_standard_names_data() -> None:
    from parley.features.emoji.standard import split_skin_tone, standard_names

    names = standard_names()
    assert {"+1", "thumbsup", "tada", "white_check_mark", "eyes", "100"} <= names
    assert all(name == name.lower() and " " not in name for name in names)
    assert split_skin_tone("wave::skin-tone-4") == ("wave", 4)
    assert split_skin_tone("wave") == ("wave", None)


def test_slack_names_from_emojibase_are_standard() -> None:
    """Names the web picker offers (emojibase's Slack/GitHub shortcodes) are accepted too."""
    from parley.features.emoji.standard import standard_names

    assert {"flag-fr", "flag-us", "fr", "bald_person", "giraffe_face"} & standard_names() == {
        "flag-fr",
        "flag-us",
        "fr",
        "bald_person",
        "giraffe_face",
    }
