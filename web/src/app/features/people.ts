// People: your profile and presence, others' presence, invites, custom emoji, notifications.
import type { Conversation } from "../../api/types";
import { resolveCustom } from "../../lib/emoji";
import type { Prefs } from "../../state/prefs";
import type { Core } from "./core";

export class People {
  constructor(
    private readonly core: Core,
    private readonly prefs: Prefs,
  ) {}

  async saveProfile(profile: Record<string, unknown>): Promise<void> {
    const body = await this.core.api.call("users.profile.set", { profile });
    const self = this.core.state.self;
    if (!self) return;
    const me = this.core.state.users[self.userId];
    this.core.store.dispatch({ type: "users", users: [{ ...me, profile: { ...me?.profile, ...body.profile } }] });
  }

  async setPresence(presence: "auto" | "away"): Promise<void> {
    await this.core.api.call("users.setPresence", { presence });
    const self = this.core.state.self;
    if (self) this.core.store.dispatch({ type: "presence", user: self.userId, presence: presence === "away" ? "away" : "active" });
  }

  async createInvite(email?: string): Promise<string> {
    const body = await this.core.api.call("admin.invites.create", email ? { email } : {});
    return body.url;
  }

  private presenceAsked = new Set<string>();

  /** Presence of the people you have DMs with (and yours), for the sidebar's dots. */
  async loadPresence(conversations: Conversation[]): Promise<void> {
    const people = new Set<string>();
    for (const c of conversations) if (c.is_im && c.user) people.add(c.user);
    if (this.core.state.self) people.add(this.core.state.self.userId);
    await this.fetchPresence([...people].slice(0, 50));
  }

  /** Fetches the presence of DM partners that appear later (a DM you open, or one opened
   * with you): changes then arrive live (this socket hears every presence_change), but
   * someone already online when the DM appeared showed as away until a reload. */
  watchNewDirectPartners(): () => void {
    let seen = this.core.state.conversations;
    return this.core.store.subscribe(() => {
      const { conversations, presence } = this.core.state;
      if (conversations === seen) return;
      seen = conversations;
      const missing = Object.values(conversations)
        .filter((c) => c.is_im && c.user && presence[c.user] === undefined && !this.presenceAsked.has(c.user))
        .map((c) => c.user as string);
      if (missing.length) void this.fetchPresence(missing);
    });
  }

  /** Forgets what was asked (signing out, or into another workspace). */
  reset(): void {
    this.presenceAsked.clear();
  }

  private async fetchPresence(users: string[]): Promise<void> {
    for (const user of users) {
      this.presenceAsked.add(user);
      try {
        const p = await this.core.api.call("users.getPresence", { user });
        this.core.store.dispatch({ type: "presence", user, presence: p.presence });
      } catch {
        /* presence is decoration */
      }
    }
  }

  async loadEmoji(): Promise<void> {
    try {
      const body = await this.core.api.call("emoji.list");
      this.core.store.dispatch({ type: "customEmoji", emoji: resolveCustom(body.emoji ?? {}) });
    } catch {
      /* custom emoji are optional */
    }
  }

  async requestNotifications(): Promise<NotificationPermission | "unsupported"> {
    this.prefs.notificationsAsked = true;
    if (typeof Notification === "undefined") return "unsupported";
    return Notification.requestPermission();
  }
}
