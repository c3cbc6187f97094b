// A message the server refused for good (too long, archived channel…): retrying the same
// message can never succeed, so it offers Edit and Delete instead of Retry.
import type { Message } from "../api/types";
import { useController } from "../app/context";
import { sendErrorText } from "../app/features/messages";

export function PermanentFailure({ message, channel, onEdit }: { message: Message; channel: string; onEdit: () => void }) {
  const c = useController();
  return (
    <span className="msg-status msg-status-failed" role="alert">
      Not sent: {sendErrorText(message.send_error ?? "")}.{" "}
      <button type="button" className="link-button" onClick={onEdit}>
        Edit
      </button>{" "}
      ·{" "}
      <button type="button" className="link-button" onClick={() => c.messages.discard(channel, message)}>
        Delete
      </button>
    </span>
  );
}
