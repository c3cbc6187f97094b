// Composer drafts follow the person across devices: each change is kept in this browser at
// once (state/drafts.ts) and sent to the server shortly after (client.drafts.save); the
// server's drafts and its `draft_saved` / `draft_deleted` events fill the other browsers.
import type { RtmEvent } from "../../api/types";
import { type Drafts, draftKey } from "../../state/drafts";
import type { Core } from "./core";

const DELAY_MS = 700;

interface ServerDraft {
  channel: string;
  thread_ts: string | null;
  text: string;
}

type Call = (method: string, params: object) => Promise<Record<string, unknown>>;

/** `parley:draft:<team>:<channel>[:<thread_ts>]` → its parts. */
export function parseDraftKey(key: string): { teamId: string; channel: string; threadTs: string | null } | null {
  const parts = key.split(":");
  if (parts.length < 4 || parts[0] !== "parley" || parts[1] !== "draft") return null;
  return { teamId: parts[2], channel: parts[3], threadTs: parts.slice(4).join(":") || null };
}

export class DraftSync {
  private timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly core: Core, private readonly drafts: () => Drafts) {}

  private get call(): Call {
    return this.core.api.call.bind(this.core.api) as unknown as Call;
  }

  /** A composer changed: send it to the server once typing pauses. */
  changed(key: string, text: string): void {
    const parts = parseDraftKey(key);
    if (!parts) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.call("client.drafts.save", { channel: parts.channel, thread_ts: parts.threadTs ?? undefined, text }).catch(() => undefined);
      }, DELAY_MS),
    );
  }

  /** After sign-in: the server's drafts fill this browser's empty composers. */
  async load(teamId: string): Promise<void> {
    try {
      const body = await this.call("client.drafts.list", {});
      for (const draft of (body.drafts as ServerDraft[]) ?? []) this.apply(teamId, draft, false);
    } catch {
      /* drafts are a convenience */
    }
  }

  handle(event: RtmEvent): void {
    const teamId = this.core.state.team?.id;
    if (!teamId || (event.type !== "draft_saved" && event.type !== "draft_deleted")) return;
    const draft = (event as { draft?: ServerDraft }).draft;
    if (draft) this.apply(teamId, event.type === "draft_deleted" ? { ...draft, text: "" } : draft, true);
  }

  private apply(teamId: string, draft: ServerDraft, overwrite: boolean): void {
    const key = draftKey(teamId, draft.channel, draft.thread_ts ?? undefined);
    if (this.timers.has(key)) return; // this browser is typing there: its text wins
    if (!overwrite && this.drafts().get(key)) return;
    this.drafts().store(key, draft.text);
  }
}
