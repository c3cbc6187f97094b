// Built-in slash commands: what they are, and turning their arguments into requests.
// Pure (no API, no DOM); app/builtins.ts runs them.

export interface BuiltinCommand {
  command: string;
  usage_hint: string;
  description: string;
}

export const BUILTIN_COMMANDS: readonly BuiltinCommand[] = [
  { command: "/invite", usage_hint: "@person [#channel]", description: "Add someone to this channel (or another one)" },
  { command: "/topic", usage_hint: "[text]", description: "Set this channel's topic" },
  { command: "/leave", usage_hint: "", description: "Leave this channel" },
  { command: "/me", usage_hint: "text", description: "Post a message in the third person" },
  { command: "/shrug", usage_hint: "[text]", description: "Append ¯\\_(ツ)_/¯ to your message" },
  { command: "/status", usage_hint: ":emoji: text | clear", description: "Set or clear your status" },
  { command: "/dnd", usage_hint: "30 minutes | 2 hours | off", description: "Pause notifications for a while" },
  { command: "/msg", usage_hint: "@person text", description: "Send someone a direct message" },
  { command: "/remind", usage_hint: "me to stretch in 20 minutes | #channel … | list", description: "Set a reminder for yourself or a channel" },
  { command: "/help", usage_hint: "", description: "List the built-in commands and shortcuts" },
];

export const SHRUG = "¯\\_(ツ)_/¯";

export function isBuiltin(command: string): boolean {
  return BUILTIN_COMMANDS.some((b) => b.command === command);
}

export class CommandError extends Error {}

/** `@name` or `<@U…>` at the start of `text` → the handle or id, and the rest. */
export function leadingMention(text: string): { handle: string; rest: string } | null {
  const m = /^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|@([\w.\-']+))\s*([\s\S]*)$/.exec(text.trim());
  if (!m) return null;
  return { handle: m[1] ?? m[2], rest: m[3] };
}

/** `/invite` arguments: people (@a @b) and an optional #channel. */
export function parseInvite(text: string): { handles: string[]; channel: string | null } {
  const handles: string[] = [];
  let channel: string | null = null;
  for (const word of text.trim().split(/[\s,]+/).filter(Boolean)) {
    const user = /^(?:<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|@([\w.\-']+))$/.exec(word);
    const chan = /^(?:<#([CG][A-Z0-9]+)(?:\|[^>]*)?>|#([\w-]+))$/.exec(word);
    if (user) handles.push(user[1] ?? user[2]);
    else if (chan) channel = chan[1] ?? chan[2];
    else throw new CommandError(`“${word}” is not a person or a channel. Usage: /invite @person [#channel]`);
  }
  if (!handles.length) throw new CommandError("Say who to invite: /invite @person [#channel]");
  return { handles, channel };
}

/** `/status :coffee: Out for lunch` → emoji and text; `/status clear` → both empty. */
export function parseStatus(text: string): { emoji: string; text: string } {
  const t = text.trim();
  if (!t || t.toLowerCase() === "clear") return { emoji: "", text: "" };
  const m = /^(:[a-z0-9_+'-]+(?:::skin-tone-[2-6])?:)\s*([\s\S]*)$/.exec(t);
  const status = { emoji: m ? m[1] : ":speech_balloon:", text: (m ? m[2] : t).trim() };
  if (status.text.length > 100) throw new CommandError("A status can be at most 100 characters.");
  return status;
}

const UNITS: Record<string, number> = { m: 1, min: 1, mins: 1, minute: 1, minutes: 1, h: 60, hr: 60, hrs: 60, hour: 60, hours: 60, d: 1440, day: 1440, days: 1440 };

/** `/dnd 30 minutes`, `/dnd 2h`, `/dnd 1 hour` → minutes; `/dnd off` → "off". */
export function parseDnd(text: string): number | "off" {
  const t = text.trim().toLowerCase();
  if (t === "off" || t === "end" || t === "stop") return "off";
  if (!t) return 60; // Slack's /dnd alone pauses for an hour
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/.exec(t);
  const unit = m ? UNITS[m[2] ?? "minutes"] : undefined;
  if (!m || !unit) throw new CommandError("Try /dnd 30 minutes, /dnd 2 hours or /dnd off.");
  const minutes = Math.round(parseFloat(m[1]) * unit);
  if (minutes < 1 || minutes > 7 * 1440) throw new CommandError("Pause notifications for between a minute and a week.");
  return minutes;
}

/** A person-facing sentence for an API error a built-in command met. */
export function builtinErrorText(command: string, error: string): string {
  switch (error) {
    case "unknown_method":
      return `${command} is not available on this server yet.`;
    case "not_in_channel":
      return `${command}: you are not in that channel.`;
    case "cant_leave_general":
      return "You cannot leave the workspace's general channel.";
    case "already_in_channel":
      return "They are already in that channel.";
    case "channel_not_found":
      return `${command}: that channel was not found.`;
    case "user_not_found":
      return `${command}: that person was not found.`;
    case "restricted_action":
      return `${command}: you are not allowed to do that here.`;
    case "method_not_supported_for_channel_type":
      return `${command} does not work in this kind of conversation.`;
    default:
      return `${command} failed (${error.replace(/_/g, " ")}).`;
  }
}
