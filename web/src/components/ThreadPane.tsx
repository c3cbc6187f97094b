import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Message } from "../api/types";
import { useAppState, useController } from "../app/context";
import { conversationTitle } from "../lib/names";
import { threadKey } from "../state/reducer";
import { Composer } from "./Composer";
import { ConfirmDialog } from "./Dialogs";
import { useFileDrop } from "./Files";
import { Icon } from "./Icons";
import { MessageItem, type MessageHandlers } from "./MessageItem";

const EMPTY: Message[] = [];

export function ThreadPane({ channel, threadTs, onClose }: { channel: string; threadTs: string; onClose: () => void }) {
  const c = useController();
  const messages = useAppState((s) => s.threads[threadKey(channel, threadTs)] ?? EMPTY);
  const parentInLog = useAppState((s) => s.logs[channel]?.messages.find((m) => m.ts === threadTs));
  const conversation = useAppState((s) => s.conversations[channel]);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId ?? "");
  const [editingTs, setEditingTs] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<Message | null>(null);
  const [loaded, setLoaded] = useState(false);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setLoaded(false);
    void c.history.loadThread(channel, threadTs).finally(() => setLoaded(true));
  }, [c, channel, threadTs]);

  const parent = messages.find((m) => m.ts === threadTs) ?? parentInLog;
  const replies = useMemo(() => messages.filter((m) => m.ts !== threadTs), [messages, threadTs]);

  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" });
  }, [replies.length]);

  const handlers: MessageHandlers = useMemo(
    () => ({ startEdit: setEditingTs, stopEdit: () => setEditingTs(null), askDelete: setConfirmDelete }),
    [],
  );
  const onEditLast = useCallback(() => {
    const last = [...replies].reverse().find((m) => m.user === selfId && !m.local);
    if (last) setEditingTs(last.ts);
  }, [replies, selfId]);

  const title = conversationTitle(conversation, users, selfId);
  const direct = conversation?.is_im || conversation?.is_mpim;
  const drop = useFileDrop(channel, threadTs, !conversation?.is_archived, "this thread");
  return (
    <aside className="side-pane" aria-label="Thread" {...drop.handlers}>
      {drop.overlay}
      <header className="pane-header">
        <div>
          <h2 className="pane-title">Thread</h2>
          <p className="muted small">{direct ? title : `#${title}`}</p>
        </div>
        <button type="button" className="icon-button" aria-label="Close thread" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div className="thread-scroll" tabIndex={0} aria-label="Thread messages">
        {parent && <MessageItem message={parent} channel={channel} continuation={false} editing={editingTs === parent.ts} inThread handlers={handlers} />}
        <div className="thread-divider">
          <span>{replies.length} {replies.length === 1 ? "reply" : "replies"}</span>
        </div>
        {!loaded && replies.length === 0 && <p className="muted pad">Loading replies…</p>}
        <div role="list" aria-label="Replies">
          {replies.map((m, i) => (
            <div role="listitem" key={m.client_msg_id ?? m.ts}>
              <MessageItem message={m} channel={channel} continuation={i > 0 && replies[i - 1].user === m.user && !m.subtype} editing={editingTs === m.ts} inThread handlers={handlers} />
            </div>
          ))}
        </div>
        <div ref={end} />
      </div>
      <Composer channel={channel} threadTs={threadTs} label="Reply in thread" placeholder="Reply…" onEditLast={onEditLast} />
      {confirmDelete && (
        <ConfirmDialog
          title="Delete message"
          body="Are you sure you want to delete this reply? This cannot be undone."
          confirm="Delete"
          danger
          onCancel={() => setConfirmDelete(null)}
          onConfirm={() => {
            void c.messages.remove(channel, confirmDelete.ts);
            setConfirmDelete(null);
          }}
        />
      )}
    </aside>
  );
}
