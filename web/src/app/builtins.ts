// Runs the built-in slash commands (lib/builtins.ts says what they are) against the Web API.
import { ApiError } from "../api/client";
import type { Conversation, User } from "../api/types";
import { encodeMessage } from "../lib/compose";
import { docToBlocks, escapeText } from "../lib/richtext";
import { builtinErrorText, CommandError, leadingMention, parseDnd, parseInvite, parseStatus, SHRUG } from "../lib/builtins";
import type { Controller } from "./controller";

/** Event the keyboard-shortcuts dialog listens for (`/help`, Ctrl+/). */
export const SHOW_SHORTCUTS_EVENT = "parley:show-shortcuts";

type Untyped = (method: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Methods another part of the client adds types for later (dnd.*): called by name. */
function callByName(c: Controller, method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (c.api.call as unknown as Untyped).call(c.api, method, params);
}

function findUser(c: Controller, handle: string): User {
  const users = Object.values(c.state.users).filter((u) => !u.deleted);
  const h = handle.toLowerCase();
  const found = c.state.users[handle] ?? users.find((u) => u.name.toLowerCase() === h) ?? users.find((u) => u.profile?.display_name?.toLowerCase() === h);
  if (!found) throw new CommandError(`No one here is called @${handle}.`);
  return found;
}

function findChannel(c: Controller, name: string): Conversation {
  const found = c.state.conversations[name] ?? Object.values(c.state.conversations).find((ch) => ch.name?.toLowerCase() === name.toLowerCase() && !ch.is_im);
  if (!found) throw new CommandError(`There is no channel #${name} (or you cannot see it).`);
  return found;
}

function encode(c: Controller, text: string): string {
  return encodeMessage(text, Object.values(c.state.users), Object.values(c.state.conversations));
}

/** Runs `command` with `text` in `channel`; resolves with what to tell the person, if anything. */
async function run(c: Controller, channel: string, command: string, text: string): Promise<string | null> {
  switch (command) {
    case "/shrug": {
      // As rich text: in mrkdwn the shrug's `_(ツ)_` would read as italics.
      const full = text ? `${text} ${SHRUG}` : SHRUG;
      c.messages.sendPrepared(channel, { text: escapeText(full), blocks: [docToBlocks([{ kind: "paragraph", inlines: [{ kind: "text", text: full, marks: {} }] }])] });
      return null;
    }
    case "/me":
      if (!text) throw new CommandError("Usage: /me text");
      await c.api.call("chat.meMessage", { channel, text: encode(c, text) });
      return null;
    case "/topic":
      await c.conversations.setTopic(channel, text);
      return text ? "Topic set" : "Topic cleared";
    case "/leave":
      await c.conversations.leave(channel);
      return "You left the channel";
    case "/invite": {
      const { handles, channel: target } = parseInvite(text);
      const users = handles.map((h) => findUser(c, h));
      const where = target ? findChannel(c, target) : c.state.conversations[channel];
      await c.conversations.invite(where?.id ?? channel, users.map((u) => u.id));
      return `Added ${users.map((u) => `@${u.name}`).join(", ")} to #${where?.name ?? "the channel"}`;
    }
    case "/status": {
      const status = parseStatus(text);
      await c.people.saveProfile({ status_emoji: status.emoji, status_text: status.text, status_expiration: 0 });
      return status.emoji || status.text ? "Status set" : "Status cleared";
    }
    case "/dnd": {
      const minutes = parseDnd(text);
      if (minutes === "off") {
        await callByName(c, "dnd.endSnooze", {});
        return "Notifications resumed";
      }
      await callByName(c, "dnd.setSnooze", { num_minutes: minutes });
      return `Notifications paused for ${minutes >= 60 && minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? "" : "s"}` : `${minutes} minute${minutes === 1 ? "" : "s"}`}`;
    }
    case "/msg": {
      const target = leadingMention(text);
      if (!target || !target.rest.trim()) throw new CommandError("Usage: /msg @person text");
      const user = findUser(c, target.handle);
      const dm = await c.conversations.openDirect([user.id]);
      c.messages.send(dm.id, target.rest.trim());
      return `Sent to @${user.name}`;
    }
    case "/help":
      window.dispatchEvent(new CustomEvent(SHOW_SHORTCUTS_EVENT));
      return null;
    default:
      throw new CommandError(`${command} is not a built-in command.`);
  }
}

/** Runs a built-in command; errors come back as a sentence (never thrown). */
export async function runBuiltin(c: Controller, channel: string, command: string, text: string): Promise<{ ok: true; note: string | null } | { ok: false; error: string }> {
  try {
    return { ok: true, note: await run(c, channel, command, text) };
  } catch (e) {
    if (e instanceof CommandError) return { ok: false, error: e.message };
    if (e instanceof ApiError) return { ok: false, error: builtinErrorText(command, e.error) };
    return { ok: false, error: `${command} failed: network error.` };
  }
}
