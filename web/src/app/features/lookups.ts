// Fetching a conversation or a user the client does not know yet (once at a time each).
import type { Core } from "./core";

export class Lookups {
  private fetchingConversation = new Set<string>();
  private fetchingUser = new Set<string>();

  constructor(private readonly core: Core) {}

  async conversation(channel: string): Promise<void> {
    if (this.fetchingConversation.has(channel)) return;
    this.fetchingConversation.add(channel);
    try {
      const body = await this.core.api.call("conversations.info", { channel, include_num_members: true });
      this.core.store.dispatch({ type: "conversations", conversations: [body.channel] });
    } catch {
      /* not visible to us */
    } finally {
      this.fetchingConversation.delete(channel);
    }
  }

  async user(user: string): Promise<void> {
    if (this.fetchingUser.has(user)) return;
    this.fetchingUser.add(user);
    try {
      const body = await this.core.api.call("users.info", { user });
      this.core.store.dispatch({ type: "users", users: [body.user] });
    } catch {
      /* bots and deleted users may not resolve */
    } finally {
      this.fetchingUser.delete(user);
    }
  }
}
