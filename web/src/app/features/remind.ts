// `/remind`, a built-in command: the server parses Slack's syntax (the parser reminders.add
// uses) and answers what Slackbot would say, shown to the person only.
import { ApiError } from "../../api/client";
import type { Core } from "./core";

export const REMIND_COMMAND = "/remind";

export function remindErrorText(e: unknown): string {
  if (e instanceof ApiError) {
    switch (e.error) {
      case "cannot_parse":
        return "Sorry, I didn't understand that reminder. Try `/remind me to stretch in 20 minutes` or `/remind help`.";
      case "cannot_add_others":
        return "Reminders can only be set for yourself or a channel you are in.";
      case "not_in_channel":
      case "channel_not_found":
        return "You can only set reminders in channels you are in.";
      default:
        return `/remind failed (${e.error.replace(/_/g, " ")}).`;
    }
  }
  return "/remind failed: network error.";
}

export async function runRemind(core: Core, channel: string, text: string): Promise<string> {
  const call = core.api.call.bind(core.api) as unknown as (m: string, p: object) => Promise<{ response: string }>;
  const body = await call("client.reminders.command", { channel, text });
  return body.response;
}
