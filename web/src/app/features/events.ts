// The side effects of socket events: the reducer applies them; this fetches what they refer
// to, marks read what is on screen, and notifies.
import type { RtmEvent } from "../../api/types";
import type { ApiClient } from "../../api/client";
import { resolveCustom } from "../../lib/emoji";
import { fileFactsFor } from "../../lib/files";
import { channelIdOf, userIdOf } from "../../rtm/events";
import type { State } from "../../state/reducer";
import type { Apps } from "../apps";
import type { Core } from "./core";
import type { Lookups } from "./lookups";
import { DesktopNotifier } from "./notify";
import type { Reading } from "./reading";

export class EventEffects {
  private readonly desktop: DesktopNotifier;

  constructor(
    private readonly core: Core,
    private readonly api: ApiClient,
    private readonly apps: Apps,
    private readonly lookups: Lookups,
    private readonly reading: Reading,
  ) {
    this.desktop = new DesktopNotifier(core);
  }

  handle(event: RtmEvent): void {
    if (this.apps.handleEvent(event)) return;
    if (event.type.startsWith("file_")) fileFactsFor(this.api).onEvent(event);
    const before = this.core.state;
    this.core.store.dispatch({ type: "rtm", event });
    this.desktop.handle(event);
    const channel = channelIdOf(event);
    const user = userIdOf(event);
    if (event.type === "message" && channel) this.afterMessage(before, channel, event);
    // Topic and description changes arrive as system messages without the new value: refetch.
    if (event.type === "message" && channel && (event.subtype === "channel_topic" || event.subtype === "channel_purpose")) void this.lookups.conversation(channel);
    if (event.type === "member_joined_channel" && user === this.core.state.self?.userId && channel) void this.lookups.conversation(channel);
    if ((event.type === "im_created" || event.type === "group_joined" || event.type === "channel_joined") && channel) void this.lookups.conversation(channel);
    // A topic change whose event does not carry the topic: the header asks the server.
    if (event.type === "message" && (event.subtype === "channel_topic" || event.subtype === "group_topic") && typeof event.topic !== "string" && channel) void this.lookups.conversation(channel);
    if (event.type === "emoji_changed") void this.refreshCustomEmoji();
    if (event.type === "user_change" || event.type === "team_join") return;
    if (user && !this.core.state.users[user]) void this.lookups.user(user);
  }

  /** A custom emoji was added or removed: everyone's picker and messages show the new list. */
  private async refreshCustomEmoji(): Promise<void> {
    try {
      const body = await this.api.call("emoji.list");
      this.core.store.dispatch({ type: "customEmoji", emoji: resolveCustom(body.emoji ?? {}) });
    } catch {
      /* custom emoji are optional */
    }
  }

  private afterMessage(_before: State, channel: string, event: Extract<RtmEvent, { type: "message" }>): void {
    const state = this.core.state;
    if (!state.conversations[channel]) void this.lookups.conversation(channel);
    if (event.subtype && event.subtype !== "thread_broadcast" && event.subtype !== "bot_message" && event.subtype !== "me_message") return;
    const ts = event.ts;
    const self = state.self?.userId;
    if (!ts || event.user === self) return;
    // Desktop notifications follow the server's rule (`desktop_notification`, notify.ts).
    if (channel === state.active && state.focused) this.reading.scheduleMark(channel, ts);
  }
}
