// Each of the controller's feature modules works on its own, over a fake server and a store.
import { describe, expect, it } from "vitest";
import { ApiClient } from "../src/api/client";
import { Conversations } from "../src/app/features/conversations";
import type { Core } from "../src/app/features/core";
import { Lookups } from "../src/app/features/lookups";
import { Reactions } from "../src/app/features/reactions";
import { Search } from "../src/app/features/search";
import { Prefs } from "../src/state/prefs";
import { Store } from "../src/state/store";

type Answer = (args: Record<string, unknown>) => Record<string, unknown>;

function setup(answers: Record<string, Answer>) {
  const calls: string[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const method = url.replace("/api/", "");
    calls.push(method);
    const answer = answers[method];
    const body = answer ? answer(JSON.parse(String(init.body))) : { ok: false, error: "unknown_method" };
    return new Response(JSON.stringify({ ok: true, ...body }), { status: 200 });
  }) as unknown as typeof fetch;
  const store = new Store();
  store.dispatch({
    type: "boot",
    self: { userId: "U1", teamId: "T1" },
    team: { id: "T1", name: "Acme", domain: "acme" },
    users: [{ id: "U1", name: "me" }],
    conversations: [{ id: "C1", name: "general", is_channel: true, is_member: true }],
    counts: [],
  });
  store.dispatch({ type: "history", channel: "C1", messages: [{ type: "message", ts: "1.000000", user: "U1", text: "hi" }], hasMoreOlder: false, reset: true });
  const toasts: string[] = [];
  const core: Core = {
    api: new ApiClient({ fetchImpl, cookies: () => "" }),
    store,
    get state() {
      return store.getState();
    },
    toast: (t) => toasts.push(t),
  };
  return { core, store, calls, toasts };
}

const memory = () => {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), removeItem: (k: string) => void data.delete(k) };
};

describe("feature modules", () => {
  it("reactions: applied at once, kept when the server agrees", async () => {
    const { core, store, calls } = setup({ "reactions.add": () => ({}) });
    const message = store.getState().logs.C1.messages[0];
    await new Reactions(core).toggleReaction("C1", message, "wave");
    expect(calls).toEqual(["reactions.add"]);
    expect(store.getState().logs.C1.messages[0].reactions).toEqual([{ name: "wave", users: ["U1"], count: 1 }]);
  });

  it("reactions: undone with a toast when the server refuses", async () => {
    const { core, store, toasts } = setup({ "reactions.add": () => ({ ok: false, error: "too_many_reactions" }) });
    await new Reactions(core).toggleReaction("C1", store.getState().logs.C1.messages[0], "wave");
    expect(store.getState().logs.C1.messages[0].reactions ?? []).toEqual([]);
    expect(toasts).toEqual(["Could not update the reaction"]);
  });

  it("conversations: joining stores the channel as a member", async () => {
    const { core, store } = setup({ "conversations.join": (a) => ({ channel: { id: a.channel, name: "random", is_channel: true } }) });
    const conversations = new Conversations(core, new Lookups(core), new Prefs(memory()));
    await conversations.join("C2");
    expect(store.getState().conversations.C2).toMatchObject({ name: "random", is_member: true });
  });

  it("conversations: members pages through every cursor", async () => {
    const pages: Record<string, Record<string, unknown>> = {
      "": { members: ["U1", "U2"], response_metadata: { next_cursor: "c2" } },
      c2: { members: ["U3"], response_metadata: { next_cursor: "" } },
    };
    const { core, calls } = setup({ "conversations.members": (a) => pages[String(a.cursor ?? "")] });
    const conversations = new Conversations(core, new Lookups(core), new Prefs(memory()));
    expect(await conversations.members("C1")).toEqual(["U1", "U2", "U3"]);
    expect(calls).toEqual(["conversations.members", "conversations.members"]);
  });

  it("search: answers messages and files with their totals", async () => {
    const { core } = setup({
      "search.all": () => ({
        query: "x",
        messages: { matches: [{ ts: "1.0", text: "x", channel: { id: "C1" } }], total: 1 },
        files: { matches: [{ id: "F1", name: "x.txt" }], total: 1 },
      }),
    });
    expect(await new Search(core).all("x")).toEqual({
      messages: [{ ts: "1.0", text: "x", channel: { id: "C1" } }],
      messageTotal: 1,
      files: [{ id: "F1", name: "x.txt" }],
      fileTotal: 1,
    });
  });

  it("search: people found join the user directory", async () => {
    const { core } = setup({ "search.people": () => ({ query: "an", total: 1, members: [{ id: "U9", name: "ann" }] }) });
    expect(await new Search(core).people("an")).toEqual({ people: [{ id: "U9", name: "ann" }], total: 1 });
    expect(core.state.users.U9?.name).toBe("ann");
  });
});
