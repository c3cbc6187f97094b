// Slack-shaped objects, generated from the server's OpenAPI document (see generated/ and
// scripts/gen-web-types); only the client's own additions are written here.
import type { RtmEventMap } from "./generated/events";
import type { components } from "./generated/schema";

type Schemas = components["schemas"];

export type Profile = Schemas["Profile"];
export type User = Schemas["User"];
export type Conversation = Schemas["Conversation"];
export type Reaction = Schemas["Reaction"];
export type Team = Schemas["Team"];
export type CountEntry = Schemas["CountEntry"];
export type SearchMatch = Schemas["SearchMatch"];
export type Attachment = Schemas["Attachment"];
export type RenderedAttachment = Schemas["RenderedAttachment"];

/** Slack's file object (files.info, files.list, a message's `files`). */
export type SlackFile = Schemas["File"] & {
  /** thumb_64 … thumb_1024 and their _w/_h. */
  [thumb: `thumb_${string}`]: string | number | undefined;
};

export type Message = Omit<Schemas["Message"], "files"> & {
  files?: SlackFile[];
  /** Client-only: a message being sent or that failed to send. */
  local?: "sending" | "failed";
  /** Client-only: why a failed send failed, when retrying cannot help (`msg_too_long`…). */
  send_error?: string;
  /** Client-only: a deleted thread parent kept as a "This message was deleted." marker. */
  deleted?: boolean;
};

export type RtmEventType = keyof RtmEventMap;

/** One socket event: a union discriminated by `type` (`seq` is Parley's resume position). */
export type RtmEvent = { [K in RtmEventType]: RtmEventMap[K] & { seq?: number } }[RtmEventType];

/** The event of one type (or several), e.g. `EventOf<"reaction_added">`. */
export type EventOf<K extends RtmEventType> = Extract<RtmEvent, { type: K }>;
