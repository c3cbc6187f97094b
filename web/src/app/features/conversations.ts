// Channels and direct messages: browsing, joining, leaving, creating, topics, members, muting.
import type { Conversation } from "../../api/types";
import type { Prefs } from "../../state/prefs";
import { collect, type Core } from "./core";
import type { Lookups } from "./lookups";

export const CONVERSATION_TYPES = "public_channel,private_channel,mpim,im";

export class Conversations {
  constructor(
    private readonly core: Core,
    private readonly lookups: Lookups,
    private readonly prefs: Prefs,
  ) {}

  /** Every conversation the caller is in (marked `is_member`). */
  async mine(): Promise<Conversation[]> {
    const all = await collect(this.core.api, "users.conversations", "channels", { types: CONVERSATION_TYPES, exclude_archived: true, limit: 1000 });
    return all.map((c) => ({ ...c, is_member: true }));
  }

  async listPublicChannels(): Promise<Conversation[]> {
    return collect(this.core.api, "conversations.list", "channels", { types: "public_channel", exclude_archived: true, limit: 1000 });
  }

  async join(channel: string): Promise<void> {
    const body = await this.core.api.call("conversations.join", { channel });
    this.put({ ...body.channel, is_member: true });
  }

  async leave(channel: string): Promise<void> {
    await this.core.api.call("conversations.leave", { channel });
    this.put({ ...(this.core.state.conversations[channel] ?? { id: channel }), is_member: false });
  }

  async createChannel(name: string, isPrivate: boolean): Promise<Conversation> {
    const body = await this.core.api.call("conversations.create", { name, is_private: isPrivate });
    const channel = { ...body.channel, is_member: true };
    this.put(channel);
    return channel;
  }

  async openDirect(users: string[]): Promise<Conversation> {
    const body = await this.core.api.call("conversations.open", { users: users.join(","), return_im: true });
    let channel = body.channel;
    if (!channel.is_im && !channel.is_mpim) channel = (await this.core.api.call("conversations.info", { channel: channel.id })).channel;
    if (users.length === 1 && !channel.user) channel = { ...channel, is_im: true, user: users[0] };
    channel = { ...channel, is_member: true };
    this.put(channel);
    return channel;
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await this.core.api.call("conversations.setTopic", { channel, topic });
    const c = this.core.state.conversations[channel];
    this.put({ ...c, topic: { value: topic } });
  }

  async invite(channel: string, users: string[]): Promise<void> {
    await this.core.api.call("conversations.invite", { channel, users: users.join(",") });
    await this.lookups.conversation(channel);
  }

  async members(channel: string): Promise<string[]> {
    return collect(this.core.api, "conversations.members", "members", { channel, limit: 1000 });
  }

  setMuted(channel: string, muted: boolean): void {
    const s = this.core.state;
    if (!s.self) return;
    const set = this.prefs.setMuted(s.self.teamId, s.self.userId, channel, muted);
    this.core.store.dispatch({ type: "muted", muted: [...set] });
  }

  private put(conversation: Conversation): void {
    this.core.store.dispatch({ type: "conversations", conversations: [conversation] });
  }
}
