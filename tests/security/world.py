"""Two workspaces for the security suite: A full of objects of every kind, B an attacker.

Everything is created through the Web API (or the test factories, which go through actions),
so the objects are exactly what a real workspace holds.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from parley.platform.auth.scopes import APP_SCOPES, BOT_SCOPES
from tests.conftest import Api
from tests.factories import Factory, Member, Team
from tests.features.files.helpers import upload_bytes

EMOJI_URL = "https://img.example/secret.gif"


def app_manifest(name: str) -> dict[str, Any]:
    """A manifest asking for every bot scope Parley knows."""
    return {
        "display_information": {"name": name, "description": "security suite app"},
        "features": {"bot_user": {"display_name": name, "always_online": True}},
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {"socket_mode_enabled": True, "interactivity": {"is_enabled": True}},
    }


@dataclass
class WorkspaceA:
    """The victim workspace and every id and secret text it holds."""

    team: Team
    member: Member
    bot_token: str
    secret: str  # a text that appears only in A's messages
    ids: dict[str, str] = field(default_factory=dict)  # param-ish name -> A's id
    extra_secrets: set[str] = field(default_factory=set)  # emails, names, client secrets …
    file_urls: dict[str, str] = field(default_factory=dict)  # url_private, public link …
    app_token: str = ""

    @property
    def owner(self) -> Member:
        return self.team.owner

    def needles(self) -> set[str]:
        """Every string that must never show up in an answer given to another workspace."""
        ids = {v for v in self.ids.values() if v}
        return ids | self.extra_secrets | set(self.file_urls.values()) | {self.secret}


async def build_workspace_a(api: Api, client: httpx.AsyncClient, factory: Factory) -> WorkspaceA:
    team = await factory.workspace(name="Victim Corp")
    owner = team.owner.token
    member = await factory.user(team, name="Vera Victim")
    secret = f"a-secret-{secrets.token_hex(8)}"
    ids: dict[str, str] = {"team": team.team_id, "domain": team.domain}

    public = await api("conversations.create", owner, name=f"pub-{secrets.token_hex(3)}")
    private = await api(
        "conversations.create", owner, name=f"priv-{secrets.token_hex(3)}", is_private="true"
    )
    ids["public"] = public["channel"]["id"]
    ids["private"] = private["channel"]["id"]
    for channel in (ids["public"], ids["private"]):
        assert (await api("conversations.invite", owner, channel=channel, users=member.user_id))[
            "ok"
        ]
        await api("conversations.setTopic", owner, channel=channel, topic=f"{secret} topic")
    dm = await api("conversations.open", owner, users=member.user_id)
    ids["dm"] = dm["channel"]["id"]

    posted = await api("chat.postMessage", owner, channel=ids["public"], text=f"{secret} root")
    ids["ts"] = posted["ts"]
    reply = await api(
        "chat.postMessage",
        member.token,
        channel=ids["public"],
        text=f"{secret} reply",
        thread_ts=ids["ts"],
    )
    ids["reply_ts"] = reply["ts"]
    hidden = await api("chat.postMessage", owner, channel=ids["private"], text=f"{secret} hush")
    ids["private_ts"] = hidden["ts"]
    direct = await api("chat.postMessage", member.token, channel=ids["dm"], text=f"{secret} dm")
    ids["dm_ts"] = direct["ts"]
    assert (
        await api("reactions.add", owner, channel=ids["public"], timestamp=ids["ts"], name="tada")
    )["ok"]
    assert (await api("pins.add", owner, channel=ids["public"], timestamp=ids["ts"]))["ok"]
    assert (await api("stars.add", owner, channel=ids["public"], timestamp=ids["ts"]))["ok"]
    bookmark = await api(
        "bookmarks.add",
        owner,
        channel_id=ids["public"],
        title=f"{secret} bm",
        type="link",
        link="https://example.com/a-bookmark",
    )
    ids["bookmark"] = bookmark["bookmark"]["id"]
    huddle = await api("huddles.start", owner, channel=ids["public"])
    assert huddle["ok"], huddle
    ids["huddle"] = huddle["huddle"]["id"]
    app_call = await api(
        "calls.add",
        owner,
        external_unique_id=f"{secret}-call",
        join_url="https://call.example/a",
        title=f"{secret} call",
    )
    assert app_call["ok"], app_call
    ids["call"] = app_call["call"]["id"]
    scheduled = await api(
        "chat.scheduleMessage",
        owner,
        channel=ids["public"],
        text=f"{secret} later",
        post_at=int(time.time()) + 3600,
    )
    ids["scheduled"] = scheduled["scheduled_message_id"]
    reminder = await api("reminders.add", owner, text=f"{secret} remind", time="in 2 hours")
    assert reminder["ok"], reminder
    ids["reminder"] = reminder["reminder"]["id"]
    assert (await api("client.drafts.save", owner, channel=ids["private"], text=f"{secret} d"))[
        "ok"
    ]
    assert (
        await api("client.notifications.setChannel", owner, channel=ids["public"], level="all")
    )["ok"]
    group = await api(
        "usergroups.create",
        owner,
        name=f"{secret} group",
        handle=f"a-{secret[-8:]}",
        channels=ids["private"],
    )
    assert group["ok"], group
    ids["usergroup"] = group["usergroup"]["id"]
    assert (
        await api(
            "usergroups.users.update", owner, usergroup=ids["usergroup"], users=member.user_id
        )
    )["ok"]
    profile_field = await api(
        "admin.teams.profile.setField",
        owner,
        field=json.dumps({"label": f"{secret} field", "hint": secret}),
    )
    assert profile_field["ok"], profile_field
    ids["profile_field"] = profile_field["field"]["id"]
    file = await upload_bytes(
        api,
        client,
        owner,
        f"{secret} file body".encode(),
        filename="secret-plan.txt",
        channel_id=ids["public"],
    )
    ids["file"] = file["id"]
    shared = await api("files.sharedPublicURL", owner, file=ids["file"])
    assert shared["ok"], shared
    file_urls = {
        k: shared["file"][k]
        for k in ("url_private", "url_private_download", "permalink_public")
        if shared["file"].get(k)
    }

    created = await api(
        "apps.manifest.create", owner, manifest=json.dumps(app_manifest("VictimApp"))
    )
    assert created["ok"], created
    ids["app"] = created["app_id"]
    ids["bot_user"] = created["bot_user_id"]
    ids["bot_id"] = created["bot_id"]
    ids["client_id"] = created["credentials"]["client_id"]
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f"{secret} home"}}],
    }
    published = await api.json(
        "views.publish", created["bot_token"], user_id=team.owner.user_id, view=home
    )
    assert published["ok"], published
    ids["view"] = published["view"]["id"]
    hook = await api("incomingWebhooks.create", owner, channel=ids["public"])
    assert hook["ok"], hook
    invite = await api("admin.invites.create", owner, email=f"invitee-{secret}@x.example")
    ids["invite"] = invite["invite"]["id"]
    emoji_name = f"e{secrets.token_hex(4)}"
    assert (await api("admin.emoji.add", owner, name=emoji_name, url=EMOJI_URL))["ok"]
    ids["emoji"] = emoji_name

    world = WorkspaceA(
        team=team,
        member=member,
        bot_token=created["bot_token"],
        secret=secret,
        ids=ids,
        extra_secrets={
            team.owner.email,
            member.email,
            created["credentials"]["client_secret"],
            created["credentials"]["signing_secret"],
            created["credentials"]["verification_token"],
            created["bot_token"],
            created["app_token"],
            hook["incoming_webhook"]["url"].rsplit("/", 1)[-1],
            owner,
            member.token,
            member.user_id,
            team.owner.user_id,
        },
    )
    world.ids["member"] = member.user_id
    world.ids["owner"] = team.owner.user_id
    world.ids["client_secret"] = created["credentials"]["client_secret"]
    world.ids["emoji_url"] = EMOJI_URL
    world.file_urls = file_urls
    world.app_token = created["app_token"]
    return world


@dataclass
class Attacker:
    team: Team
    bot: Member
    bot_token: str  # the bot of B's installed app: every bot scope
    app_token: str


async def build_workspace_b(api: Api, factory: Factory) -> Attacker:
    """Workspace B: an owner (every user scope), a bot with every bot scope, an app token."""
    team = await factory.workspace(name="Attacker Inc")
    bot = await factory.bot(team, scopes=BOT_SCOPES)
    created = await api(
        "apps.manifest.create", team.owner.token, manifest=json.dumps(app_manifest("Sneaky"))
    )
    assert created["ok"], created
    assert set(APP_SCOPES) >= {"connections:write"}
    return Attacker(
        team=team, bot=bot, bot_token=created["bot_token"], app_token=created["app_token"]
    )


async def snapshot(api: Api, a: WorkspaceA) -> dict[str, Any]:
    """What A looks like to A's owner: everything an attack could change."""
    owner = a.owner.token
    ids = a.ids
    shot: dict[str, Any] = {}
    for name in ("public", "private", "dm"):
        info = await api("conversations.info", owner, channel=ids[name])
        channel = info["channel"]
        shot[f"{name}.info"] = {
            k: channel.get(k)
            for k in ("name", "is_archived", "topic", "purpose", "is_private", "is_open")
        }
        members = await api("conversations.members", owner, channel=ids[name])
        shot[f"{name}.members"] = sorted(members["members"])
        history = await api("conversations.history", owner, channel=ids[name])
        shot[f"{name}.history"] = [
            (m["ts"], m.get("text"), m.get("reactions"), m.get("reply_count"), m.get("pinned_to"))
            for m in history["messages"]
        ]
    replies = await api("conversations.replies", owner, channel=ids["public"], ts=ids["ts"])
    shot["replies"] = [(m["ts"], m.get("text")) for m in replies["messages"]]
    shot["pins"] = (await api("pins.list", owner, channel=ids["public"]))["items"]
    shot["bookmarks"] = [
        (b["id"], b["title"], b["link"])
        for b in (await api("bookmarks.list", owner, channel_id=ids["public"]))["bookmarks"]
    ]
    huddle = (await api("huddles.info", owner, channel=ids["public"]))["huddle"]
    shot["huddle"] = (huddle["id"], huddle["state"], huddle["participants"], huddle["raised_hands"])
    shot["call"] = (await api("calls.info", owner, id=ids["call"]))["call"]
    shot["stars"] = len((await api("stars.list", owner))["items"])
    shot["reminders"] = (await api("reminders.list", owner))["reminders"]
    shot["drafts"] = (await api("client.drafts.list", owner))["drafts"]
    shot["notifications"] = (await api("client.notifications.get", owner))["channels"]
    scheduled = await api("chat.scheduledMessages.list", owner)
    shot["scheduled"] = sorted(m["id"] for m in scheduled["scheduled_messages"])
    file = (await api("files.info", owner, file=ids["file"]))["file"]
    shot["file"] = {k: file.get(k) for k in ("name", "title", "public_url_shared", "channels")}
    users = (await api("users.list", owner))["members"]
    shot["users"] = sorted(
        (
            u["id"],
            u.get("deleted"),
            u.get("is_admin"),
            u.get("is_owner"),
            u.get("real_name"),
            orjson.dumps(u.get("profile", {}), option=orjson.OPT_SORT_KEYS).decode(),
        )
        for u in users
    )
    shot["team"] = (await api("team.info", owner))["team"]
    shot["emoji"] = (await api("emoji.list", owner))["emoji"]
    shot["invites"] = sorted(i["id"] for i in (await api("admin.invites.list", owner))["invites"])
    exported = await api("apps.manifest.export", owner, app_id=ids["app"])
    shot["app"] = exported.get("manifest")
    shot["bot_auth"] = (await api("auth.test", a.bot_token)).get("ok")
    shot["member_auth"] = (await api("auth.test", a.member.token)).get("ok")
    shot["views"] = (await api("views.list", owner)).get("views")
    return shot


def find_needles(value: Any, needles: set[str]) -> list[str]:
    """Every needle found anywhere inside a JSON value (keys and values, recursively)."""
    found: list[str] = []
    text = orjson.dumps(value).decode()
    for needle in needles:
        if needle and needle in text:
            found.append(needle)
    return sorted(found)
