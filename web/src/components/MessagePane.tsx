import { useCallback, useEffect, useMemo, useState } from "react";
import type { Message } from "../api/types";
import { useAppState, useController } from "../app/context";
import { conversationTitle, displayName } from "../lib/names";
import { formatDay } from "../lib/ts";
import { emptyLog, unreadOf } from "../state/reducer";
import { buildRows, type Row } from "../state/rows";
import { Composer } from "./Composer";
import { ConfirmDialog } from "./Dialogs";
import { useFileDrop } from "./Files";
import { JoinGroup } from "./JoinGroup";
import { MessageItem, type MessageHandlers } from "./MessageItem";
import { VirtualList } from "./VirtualList";

function estimate(row: Row): number {
  switch (row.kind) {
    case "message":
      return row.continuation ? 28 : 62;
    case "day":
      return 48;
    case "joins":
      return 36;
    case "new":
      return 28;
    case "loading":
      return 64;
    case "start":
      return 132;
  }
}

export function TypingIndicator({ channel }: { channel: string }) {
  const typing = useAppState((s) => s.typing[channel]);
  const users = useAppState((s) => s.users);
  const names = Object.keys(typing ?? {}).map((u) => displayName(users[u], "Someone"));
  let text = "";
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = "Several people are typing…";
  return (
    <div className="typing" aria-live="polite">
      {text}
    </div>
  );
}

function Intro({ channel }: { channel: string }) {
  const conversation = useAppState((s) => s.conversations[channel]);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const title = conversationTitle(conversation, users, selfId);
  const direct = conversation?.is_im || conversation?.is_mpim;
  return (
    <div className="intro">
      <h2 className="intro-title">{direct ? title : `#${title}`}</h2>
      <p className="muted">
        {direct ? `This is the very beginning of your direct message history with ${title}.` : `This is the very beginning of the #${title} channel.`}
        {conversation?.purpose?.value ? ` ${conversation.purpose.value}` : ""}
      </p>
    </div>
  );
}

interface Props {
  channel: string;
  jumpTs: string | null;
  onOpenThread: (ts: string) => void;
}

export function MessagePane({ channel, jumpTs, onOpenThread }: Props) {
  const c = useController();
  const log = useAppState((s) => s.logs[channel] ?? emptyLog);
  const selfId = useAppState((s) => s.self?.userId ?? "");
  const conversation = useAppState((s) => s.conversations[channel]);
  const users = useAppState((s) => s.users);
  const [editingTs, setEditingTs] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<Message | null>(null);
  const [newAfter, setNewAfter] = useState<string | null>(null);
  const [jumpSeq, setJumpSeq] = useState(0);

  // Leaving a conversation ends a "Mark unread" hold on it.
  useEffect(() => () => c.reading.release(channel), [c, channel]);

  // The "new messages" divider sits at the read position as it was when you arrived.
  useEffect(() => {
    const u = unreadOf(c.state, channel);
    setNewAfter(u.hasUnreads ? u.lastRead : null);
    setEditingTs(null);
  }, [channel, c]);

  useEffect(() => {
    if (jumpTs) setJumpSeq((n) => n + 1);
  }, [jumpTs]);

  const rows = useMemo(() => buildRows(log.messages, { newAfter, selfId, hasMoreOlder: log.hasMoreOlder }), [log.messages, log.hasMoreOlder, newAfter, selfId]);

  const jumpKey = useMemo(() => {
    if (!jumpTs) return null;
    const row = rows.find((r) => r.kind === "message" && r.message.ts === jumpTs);
    return row?.key ?? null;
  }, [rows, jumpTs]);

  const handlers: MessageHandlers = useMemo(
    () => ({
      openThread: onOpenThread,
      startEdit: (ts: string) => setEditingTs(ts),
      stopEdit: () => setEditingTs(null),
      askDelete: (m: Message) => setConfirmDelete(m),
    }),
    [onOpenThread],
  );

  const onNearTop = useCallback(() => {
    if (log.loaded && log.hasMoreOlder) void c.history.loadOlder(channel);
  }, [c, channel, log.loaded, log.hasMoreOlder]);

  const onBottom = useCallback(
    (atBottom: boolean) => {
      if (atBottom && log.loaded) c.reading.sawLatest(channel);
    },
    [c, channel, log.loaded],
  );

  const render = useCallback(
    (row: Row) => {
      switch (row.kind) {
        case "start":
          return <Intro channel={channel} />;
        case "loading":
          return <div className="loading-row">Loading older messages…</div>;
        case "day":
          return (
            <div className="day-divider">
              <span>{formatDay(row.ts)}</span>
            </div>
          );
        case "new":
          return (
            <div className="new-divider" aria-label="New messages">
              <span>New</span>
            </div>
          );
        case "joins":
          return <JoinGroup messages={row.messages} />;
        case "message":
          return (
            <MessageItem
              message={row.message}
              channel={channel}
              continuation={row.continuation}
              editing={editingTs === row.message.ts}
              highlighted={jumpTs === row.message.ts}
              handlers={handlers}
            />
          );
      }
    },
    [channel, editingTs, handlers, jumpTs],
  );

  const title = conversationTitle(conversation, users, selfId);
  const direct = conversation?.is_im || conversation?.is_mpim;
  const canPost = !conversation?.is_archived && (conversation?.is_member !== false || direct);
  const drop = useFileDrop(channel, undefined, !!canPost, direct ? title : `#${title}`);

  return (
    <div className="message-pane" {...drop.handlers}>
      {drop.overlay}
      {!log.loaded ? (
        <div className="pane-loading" role="status">
          Loading messages…
        </div>
      ) : (
        <VirtualList
          key={channel}
          rows={rows}
          estimate={estimate}
          render={render}
          onNearTop={onNearTop}
          onBottom={onBottom}
          jump={jumpKey ? { key: jumpKey, seq: jumpSeq } : null}
          label={`Messages in ${direct ? title : `#${title}`}`}
          className="messages"
        />
      )}
      {log.hasMoreNewer && (
        <div className="jump-present">
          You are viewing older messages.{" "}
          <button type="button" className="link-button" onClick={() => void c.history.loadLatest(channel)}>
            Jump to recent messages
          </button>
        </div>
      )}
      <TypingIndicator channel={channel} />
      {canPost ? (
        <Composer
          channel={channel}
          label={`Message ${direct ? title : `#${title}`}`}
          placeholder={`Message ${direct ? title : `#${title}`}`}
          onEditLast={() => {
            const last = c.messages.lastEditable(channel);
            if (last) setEditingTs(last.ts);
          }}
        />
      ) : (
        <JoinBar channel={channel} archived={!!conversation?.is_archived} />
      )}
      {confirmDelete && (
        <ConfirmDialog
          title="Delete message"
          body="Are you sure you want to delete this message? This cannot be undone."
          confirm="Delete"
          danger
          onCancel={() => setConfirmDelete(null)}
          onConfirm={() => {
            void c.messages.remove(channel, confirmDelete.ts);
            setConfirmDelete(null);
          }}
        />
      )}
    </div>
  );
}

function JoinBar({ channel, archived }: { channel: string; archived: boolean }) {
  const c = useController();
  const name = useAppState((s) => s.conversations[channel]?.name ?? "");
  if (archived) return <div className="join-bar">This channel has been archived.</div>;
  return (
    <div className="join-bar">
      <span>
        You are viewing <strong>#{name}</strong>.
      </span>
      <button type="button" className="button button-primary" onClick={() => void c.conversations.join(channel).catch(() => c.toast("Could not join"))}>
        Join channel
      </button>
    </div>
  );
}
