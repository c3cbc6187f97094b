// Reading the fields several socket events share, without knowing which event it is.
import type { RtmEvent } from "../api/types";

/** The conversation an event is about: `channel` (an id or an object), `channel_id` or `item.channel`. */
export function channelIdOf(event: RtmEvent): string | undefined {
  if ("channel" in event && event.channel) return typeof event.channel === "string" ? event.channel : event.channel.id;
  if ("channel_id" in event && event.channel_id) return event.channel_id;
  if ("item" in event && event.item) return event.item.channel;
  return undefined;
}

/** The user id an event names in `user` (some events carry a whole user object there). */
export function userIdOf(event: RtmEvent): string | undefined {
  return "user" in event && typeof event.user === "string" ? event.user : undefined;
}
