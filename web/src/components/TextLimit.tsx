// The composer's character counter: shown near the limit, red past it, and the verdict the
// composer uses to refuse a send that the server would refuse (`msg_too_long`).
import { type ReactNode, useMemo } from "react";
import { useAppState } from "../app/context";
import { encodeMessage } from "../lib/compose";
import { characterCount, MESSAGE_COUNTER_FROM, MESSAGE_TEXT_LIMIT } from "../lib/limits";

export function useTextLimit(text: string): { over: boolean; counter: ReactNode } {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  return useMemo(() => {
    // Cheap test first: encoding only matters near the limit (mentions grow as `<@U…>`).
    if (text.length < MESSAGE_COUNTER_FROM / 2) return { over: false, counter: null };
    const length = characterCount(encodeMessage(text.trim(), Object.values(users), Object.values(conversations)));
    if (length < MESSAGE_COUNTER_FROM) return { over: false, counter: null };
    const left = MESSAGE_TEXT_LIMIT - length;
    const over = left < 0;
    const counter = (
      <span className={`text-counter ${over ? "text-counter-over" : ""}`} role="status" aria-live="polite" title={`${MESSAGE_TEXT_LIMIT.toLocaleString("en")} characters at most`}>
        {over ? `${(-left).toLocaleString("en")} characters too long` : `${left.toLocaleString("en")} characters left`}
      </span>
    );
    return { over, counter };
  }, [text, users, conversations]);
}
