// Slack-shaped objects, as far as the client reads them.

export interface Profile {
  display_name?: string;
  real_name?: string;
  title?: string;
  status_text?: string;
  status_emoji?: string;
  status_expiration?: number;
  image_48?: string;
  email?: string;
}

export interface User {
  id: string;
  name: string;
  real_name?: string;
  deleted?: boolean;
  color?: string;
  is_bot?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  profile?: Profile;
  tz?: string;
}

export interface Conversation {
  id: string;
  name?: string;
  is_channel?: boolean;
  is_group?: boolean;
  is_im?: boolean;
  is_mpim?: boolean;
  is_private?: boolean;
  is_archived?: boolean;
  is_general?: boolean;
  is_member?: boolean;
  user?: string; // the other person in an IM
  topic?: { value: string };
  purpose?: { value: string };
  num_members?: number;
  created?: number;
  last_read?: string;
}

export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

export interface Message {
  type: "message";
  ts: string;
  text?: string;
  html?: string;
  user?: string;
  bot_id?: string;
  username?: string;
  subtype?: string;
  thread_ts?: string;
  reply_count?: number;
  reply_users?: string[];
  latest_reply?: string;
  edited?: { user: string; ts: string };
  reactions?: Reaction[];
  pinned_to?: string[];
  client_msg_id?: string;
  channel?: string;
  files?: SlackFile[];
  attachments?: Attachment[];
  /** Client-only: a message being sent or that failed to send. */
  local?: "sending" | "failed";
  /** Client-only: a deleted thread parent kept as a "This message was deleted." marker. */
  deleted?: boolean;
}

export interface Team {
  id: string;
  name: string;
  domain: string;
}

export interface CountEntry {
  id: string;
  last_read?: string;
  latest?: string;
  mention_count?: number;
  has_unreads?: boolean;
  unread_count?: number;
}

export interface SearchMatch {
  ts: string;
  text: string;
  user?: string;
  username?: string;
  permalink?: string;
  channel: { id: string; name?: string; is_im?: boolean; is_mpim?: boolean };
}

/** Events from the RTM WebSocket (Slack shapes; `seq` is Parley's resume position). */
export interface RtmEvent {
  type: string;
  seq?: number;
  subtype?: string;
  channel?: string | { id: string; name?: string; created?: number; creator?: string; is_private?: boolean };
  channel_id?: string;
  user?: string | User;
  ts?: string;
  deleted_ts?: string;
  message?: Message;
  previous_message?: Message;
  reaction?: string;
  item?: { type: string; channel: string; ts?: string; message?: Message };
  presence?: string;
  users?: string[];
  [key: string]: unknown;
}

/** Slack's file object (files.info, files.list, a message's `files`). */
export interface SlackFile {
  id: string;
  /** "hosted"; "tombstone" once deleted (then most other fields are gone). */
  mode?: string;
  created?: number;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  pretty_type?: string;
  user?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
  permalink?: string;
  preview_state?: string;
  original_w?: number;
  original_h?: number;
  alt_txt?: string;
  thumb_video?: string;
  thumb_pdf?: string;
  duration_ms?: number;
  channels?: string[];
  groups?: string[];
  ims?: string[];
  /** thumb_64 … thumb_1024 and their _w/_h. */
  [thumb: `thumb_${string}`]: string | number | undefined;
}

/** Slack's legacy message attachment (also the shape of link unfurl cards). */
export interface Attachment {
  id?: number;
  fallback?: string;
  color?: string;
  pretext?: string;
  author_name?: string;
  author_link?: string;
  author_icon?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: { title?: string; value?: string; short?: boolean }[];
  image_url?: string;
  thumb_url?: string;
  footer?: string;
  footer_icon?: string;
  ts?: string | number;
  from_url?: string;
  original_url?: string;
  service_name?: string;
  service_icon?: string;
}
