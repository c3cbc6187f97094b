// Pure helpers of the message actions menu: read positions, reminder times, shared messages.
import type { Attachment, Message } from "../api/types";

/** The ts just before `ts` (one microsecond): "mark unread" sets the read cursor there. */
export function tsJustBefore(ts: string): string {
  const [secs, micros = "0"] = ts.split(".");
  const total = BigInt(secs) * 1_000_000n + BigInt(micros.padEnd(6, "0").slice(0, 6)) - 1n;
  const whole = total / 1_000_000n;
  const frac = (total % 1_000_000n).toString().padStart(6, "0");
  return `${whole}.${frac}`;
}

export interface RemindOption {
  label: string;
  /** Unix seconds. */
  time: number;
}

/** "Remind me about this" choices, as Slack offers them. */
export function remindOptions(now: Date): RemindOption[] {
  const at = (d: Date) => Math.floor(d.getTime() / 1000);
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const nextWeek = new Date(now);
  nextWeek.setDate(now.getDate() + ((8 - now.getDay()) % 7 || 7));
  nextWeek.setHours(9, 0, 0, 0);
  return [
    { label: "In 20 minutes", time: at(now) + 20 * 60 },
    { label: "In 1 hour", time: at(now) + 3600 },
    { label: "In 3 hours", time: at(now) + 3 * 3600 },
    { label: "Tomorrow at 9:00", time: at(tomorrow) },
    { label: "Next Monday at 9:00", time: at(nextWeek) },
  ];
}

/** A shared (forwarded) message as Slack shows it: an attachment quoting the original. */
export function shareAttachment(message: Message, channel: string, permalink: string, authorName: string, channelName: string | undefined): Attachment {
  return {
    fallback: `[${authorName}] ${message.text ?? ""}`.slice(0, 3000),
    text: message.text ?? "",
    author_name: authorName,
    ...(message.user ? { author_id: message.user } : {}),
    ts: message.ts,
    channel_id: channel,
    from_url: permalink,
    is_share: true,
    is_msg_unfurl: true,
    mrkdwn_in: ["text"],
    footer: channelName ? `Posted in #${channelName}` : "Posted in a direct message",
  } as Attachment;
}
