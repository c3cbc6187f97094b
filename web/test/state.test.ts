import { describe, expect, it } from "vitest";
import type { Message } from "../src/api/types";
import { ApiClient, readCookie } from "../src/api/client";
import { Drafts, draftKey } from "../src/state/drafts";
import { MemoryStore, Prefs } from "../src/state/prefs";
import { buildRows } from "../src/state/rows";

const m = (ts: string, user = "U1", extra: Partial<Message> = {}): Message => ({ type: "message", ts, user, text: "x", ...extra });

describe("drafts", () => {
  it("keeps one draft per conversation and thread, and drops empty ones", () => {
    const store = new MemoryStore();
    const drafts = new Drafts(store);
    drafts.set(draftKey("T1", "C1"), "hello");
    drafts.set(draftKey("T1", "C1", "1.0"), "in thread");
    expect(new Drafts(store).get(draftKey("T1", "C1"))).toBe("hello");
    expect(drafts.get(draftKey("T1", "C1", "1.0"))).toBe("in thread");
    drafts.set(draftKey("T1", "C1"), "   ");
    expect(store.getItem(draftKey("T1", "C1"))).toBeNull();
  });
});

describe("prefs", () => {
  it("remembers workspaces most recent first without duplicates, and mutes per user", () => {
    const prefs = new Prefs(new MemoryStore());
    prefs.remember({ domain: "a", email: "x@a", name: "A", teamId: "T1" });
    prefs.remember({ domain: "b", email: "x@b", name: "B", teamId: "T2" });
    prefs.remember({ domain: "a", email: "x@a", name: "A2", teamId: "T1" });
    expect(prefs.workspaces.map((w) => w.name)).toEqual(["A2", "B"]);
    prefs.setMuted("T1", "U1", "C1", true);
    expect([...prefs.muted("T1", "U1")]).toEqual(["C1"]);
    expect([...prefs.muted("T1", "U2")]).toEqual([]);
    prefs.setMuted("T1", "U1", "C1", false);
    expect([...prefs.muted("T1", "U1")]).toEqual([]);
  });
});

describe("rows", () => {
  const day = (d: number, h: number, min: number) => String(new Date(2026, 0, d, h, min).getTime() / 1000) + ".000000";

  it("groups by author within five minutes and splits by day", () => {
    const rows = buildRows([m(day(1, 9, 0)), m(day(1, 9, 2)), m(day(1, 9, 3), "U2"), m(day(1, 9, 20), "U2"), m(day(2, 9, 21), "U2")], { hasMoreOlder: false });
    expect(rows.map((r) => (r.kind === "message" ? (r.continuation ? "cont" : "msg") : r.kind))).toEqual(["start", "day", "msg", "cont", "msg", "msg", "day", "msg"]);
  });

  it("puts the new-messages divider before the first unread message by someone else", () => {
    const rows = buildRows([m(day(1, 9, 0)), m(day(1, 9, 1), "ME"), m(day(1, 9, 2), "U2"), m(day(1, 9, 3), "U2")], { hasMoreOlder: true, newAfter: day(1, 9, 0), selfId: "ME" });
    expect(rows.map((r) => r.kind)).toEqual(["loading", "day", "message", "message", "new", "message", "message"]);
  });

  it("keeps a row key stable when a local message is confirmed", () => {
    const local = buildRows([m("99.0", "ME", { local: "sending", client_msg_id: "c1" })], { hasMoreOlder: false });
    const sent = buildRows([m("5.0", "ME", { client_msg_id: "c1" })], { hasMoreOlder: false });
    expect(local.at(-1)?.key).toBe(sent.at(-1)?.key);
  });
});

describe("API client", () => {
  it("posts JSON with the CSRF header and unwraps ok/error", async () => {
    const calls: [string, RequestInit][] = [];
    const fetchImpl = (async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      const body = JSON.parse(String(init.body));
      return new Response(JSON.stringify(body.error ? { ok: false, error: body.error } : { ok: true, args: body }), { status: 200 });
    }) as unknown as typeof fetch;
    const api = new ApiClient({ fetchImpl, cookies: () => "a=1; parley_csrf=tok%3D; b=2" });
    expect(await api.call("api.test", { foo: "1" })).toMatchObject({ ok: true, args: { foo: "1" } });
    expect(calls[0][0]).toBe("/api/api.test");
    expect((calls[0][1].headers as Record<string, string>)["X-Parley-CSRF"]).toBe("tok=");
    await expect(api.call("api.test", { error: "channel_not_found" })).rejects.toMatchObject({ error: "channel_not_found" });
  });

  it("waits out a 429 and tries again", async () => {
    let n = 0;
    const fetchImpl = (async () => {
      n++;
      return n === 1 ? new Response("{}", { status: 429, headers: { "Retry-After": "0" } }) : new Response('{"ok":true}', { status: 200 });
    }) as unknown as typeof fetch;
    const api = new ApiClient({ fetchImpl, cookies: () => "" });
    await expect(api.call("api.test")).resolves.toMatchObject({ ok: true });
    expect(n).toBe(2);
  });

  it("reads cookies by exact name", () => {
    expect(readCookie("parley_csrf_old=1; parley_csrf=2", "parley_csrf")).toBe("2");
  });
});
