import { describe, expect, expectTypeOf, it } from "vitest";
import { ApiClient, type ParamsOf, type ResultOf } from "../src/api/client";
import type { EventOf, Message, RtmEvent } from "../src/api/types";
import { renderedPartsOf } from "../src/components/Attachments";
import { channelIdOf, userIdOf } from "../src/rtm/events";

function server(answer: (method: string, args: Record<string, unknown>) => unknown) {
  const calls: [string, Record<string, unknown>][] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const method = url.replace("/api/", "");
    const args = JSON.parse(String(init.body)) as Record<string, unknown>;
    calls.push([method, args]);
    return new Response(JSON.stringify(answer(method, args)), { status: 200 });
  }) as unknown as typeof fetch;
  return { api: new ApiClient({ fetchImpl, cookies: () => "" }), calls };
}

describe("typed api.call", () => {
  it("takes each method's parameters and answers with its documented result", async () => {
    const { api, calls } = server(() => ({ ok: true, channel: "C1", ts: "1.000001", message: { type: "message", ts: "1.000001", text: "hi" } }));
    const body = await api.call("chat.postMessage", { channel: "C1", text: "hi" });
    expectTypeOf(body.ts).toEqualTypeOf<string>();
    expectTypeOf(body.message).toMatchTypeOf<{ ts: string; text?: string } | undefined>();
    expect(body.message?.text).toBe("hi");
    expect(calls).toEqual([["chat.postMessage", { channel: "C1", text: "hi" }]]);
  });

  it("asks for the server-rendered fields on every call", async () => {
    const seen: Headers[] = [];
    const fetchImpl = (async (_url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    }) as unknown as typeof fetch;
    await new ApiClient({ fetchImpl, cookies: () => "" }).call("auth.test");
    expect(seen[0].get("X-Parley-Render")).toBe("html");
  });

  it("makes parameters optional only when none is required", async () => {
    const { api } = server(() => ({ ok: true, team: { id: "T1", name: "Acme", domain: "acme" } }));
    expect((await api.call("team.info")).team.domain).toBe("acme");
    expectTypeOf<ParamsOf<"conversations.history">>().toHaveProperty("channel");
    expectTypeOf<ResultOf<"conversations.history">["messages"]>().toMatchTypeOf<{ ts: string }[]>();
    // @ts-expect-error conversations.history needs a channel
    void (() => api.call("conversations.history"));
    // @ts-expect-error no such method
    void (() => api.call("chat.postMesage", { channel: "C1" }));
  });
});

describe("socket events", () => {
  it("are a union discriminated by type", () => {
    const event = { type: "reaction_added", user: "U1", reaction: "wave", item: { type: "message", channel: "C1", ts: "1.0" } } satisfies RtmEvent;
    expectTypeOf<EventOf<"reaction_added">["reaction"]>().toEqualTypeOf<string>();
    expect(channelIdOf(event)).toBe("C1");
    expect(userIdOf(event)).toBe("U1");
    expect(channelIdOf({ type: "pin_added", channel_id: "C2", item: { type: "message", channel: "C2" } })).toBe("C2");
    expect(channelIdOf({ type: "channel_created", channel: { id: "C3", name: "new" } })).toBe("C3");
    expect(userIdOf({ type: "user_change", user: { id: "U9", name: "x" } })).toBeUndefined();
  });
});

describe("attachments' rendered parts", () => {
  const parts = { pretext_html: "<strong>p</strong>", text_html: "t", fields: [{ title: "A", value_html: "<em>v</em>", short: true }], footer_html: "f", blocks_html: "" };
  const message: Message = { type: "message", ts: "1.0", attachments: [{ text: "t" }], rendered_attachments: [parts] };

  it("come from the server's structured parts, one per attachment", () => {
    expect(renderedPartsOf(message, 0)).toEqual(parts);
    expect(renderedPartsOf(message, 1)).toBeUndefined();
  });

  it("are ignored when they do not line up with the attachments (plain text then)", () => {
    expect(renderedPartsOf({ ...message, attachments: [{ text: "a" }, { text: "b" }] }, 0)).toBeUndefined();
    expect(renderedPartsOf({ ...message, rendered_attachments: undefined }, 0)).toBeUndefined();
  });
});
