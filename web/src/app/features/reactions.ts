// Reactions and pins on a message: applied at once, undone when the server refuses.
import { ApiError } from "../../api/client";
import type { Message } from "../../api/types";
import type { Core } from "./core";

export class Reactions {
  constructor(private readonly core: Core) {}

  async toggleReaction(channel: string, message: Message, name: string): Promise<void> {
    const self = this.core.state.self?.userId;
    if (!self) return;
    const mine = message.reactions?.find((r) => r.name === name)?.users.includes(self);
    const item = { type: "message", channel, ts: message.ts };
    const apply = (type: "reaction_added" | "reaction_removed") => this.core.store.dispatch({ type: "rtm", event: { type, user: self, reaction: name, item } });
    apply(mine ? "reaction_removed" : "reaction_added");
    try {
      await this.core.api.call(mine ? "reactions.remove" : "reactions.add", { channel, timestamp: message.ts, name });
    } catch (e) {
      if (e instanceof ApiError && (e.error === "already_reacted" || e.error === "no_reaction")) return;
      apply(mine ? "reaction_added" : "reaction_removed");
      this.core.toast("Could not update the reaction");
    }
  }

  async togglePin(channel: string, message: Message): Promise<void> {
    const pinned = message.pinned_to?.includes(channel);
    const item = { type: "message", channel, ts: message.ts };
    this.core.store.dispatch({ type: "rtm", event: { type: pinned ? "pin_removed" : "pin_added", channel_id: channel, item } });
    try {
      await this.core.api.call(pinned ? "pins.remove" : "pins.add", { channel, timestamp: message.ts });
      this.core.toast(pinned ? "Unpinned" : "Pinned to the conversation");
    } catch (e) {
      if (e instanceof ApiError && (e.error === "already_pinned" || e.error === "no_pin")) return;
      this.core.store.dispatch({ type: "rtm", event: { type: pinned ? "pin_added" : "pin_removed", channel_id: channel, item } });
      this.core.toast("Could not change the pin");
    }
  }
}
