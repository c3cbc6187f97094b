// Consecutive join lines in one row, as Slack shows them: "Ann and 3 others joined".
import type { Message } from "../api/types";
import { useAppState } from "../app/context";
import { displayName } from "../lib/names";
import { formatTime } from "../lib/ts";
import { Avatar } from "./Avatar";

export function joinedText(names: string[]): string {
  if (names.length <= 1) return `${names[0] ?? "Someone"} joined`;
  if (names.length === 2) return `${names[0]} and ${names[1]} joined`;
  return `${names[0]} and ${names.length - 1} others joined`;
}

export function JoinGroup({ messages }: { messages: Message[] }) {
  const users = useAppState((s) => s.users);
  const people = [...new Set(messages.map((m) => m.user ?? ""))].filter(Boolean);
  const names = people.map((id) => displayName(users[id], "Someone"));
  const first = messages[0];
  return (
    <div className="join-group" role="group" aria-label={joinedText(names)} data-ts={first.ts}>
      <span className="join-avatars" aria-hidden="true">
        {people.slice(0, 4).map((id) => (
          <Avatar key={id} id={id} user={users[id]} size={20} />
        ))}
      </span>
      <span className="join-text" title={names.join(", ")}>
        {joinedText(names)}
      </span>
      <span className="muted small">{formatTime(first.ts)}</span>
    </div>
  );
}
