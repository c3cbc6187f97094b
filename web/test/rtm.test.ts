import { describe, expect, it } from "vitest";
import type { RtmEvent } from "../src/api/types";
import { backoffMs, RtmConnection, type SocketLike, type Timers, withRenderedHtml, withSince } from "../src/rtm/connection";

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readyState = 1;
  sent: string[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  frame(obj: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify(obj) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

class FakeTimers implements Timers {
  time = 0;
  private next = 1;
  tasks = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.tasks.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.tasks.delete(h as number);
  }
  now() {
    return this.time;
  }
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.tasks.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.tasks.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup() {
  const sockets: FakeSocket[] = [];
  const events: RtmEvent[] = [];
  const statuses: string[] = [];
  let resyncs = 0;
  const timers = new FakeTimers();
  const rtm = new RtmConnection({
    connectUrl: async () => "ws://host/rtm?ticket=abc",
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    onResync: () => resyncs++,
    timers,
    random: () => 0.5,
  });
  return { rtm, sockets, events, statuses, timers, resyncs: () => resyncs };
}

describe("RTM connection", () => {
  it("adds since= to the URL it is given", () => {
    expect(withSince("ws://h/rtm?ticket=x", 7)).toBe("ws://h/rtm?ticket=x&since=7");
    expect(withSince("ws://h/rtm", 7)).toBe("ws://h/rtm?since=7");
    expect(withSince("ws://h/rtm", null)).toBe("ws://h/rtm");
  });

  it("asks for the server-rendered fields once", () => {
    expect(withRenderedHtml("ws://h/rtm?ticket=x")).toBe("ws://h/rtm?ticket=x&render=html");
    expect(withRenderedHtml("/rtm")).toBe("/rtm?render=html");
    expect(withRenderedHtml("ws://h/rtm?ticket=x&render=html")).toBe("ws://h/rtm?ticket=x&render=html");
  });

  it("backs off exponentially up to a cap", () => {
    const half = () => 0.5;
    expect([0, 1, 2, 3, 10].map((a) => backoffMs(a, half))).toEqual([500, 1000, 2000, 4000, 15000]);
  });

  it("starts at hello's seq and drops events it has already seen", async () => {
    const t = setup();
    t.rtm.start();
    await flush();
    const s = t.sockets[0];
    expect(s.url).toBe("ws://host/rtm?ticket=abc");
    s.frame({ type: "hello", seq: 10 });
    s.frame({ type: "message", seq: 9, ts: "1.0" });
    s.frame({ type: "message", seq: 11, ts: "2.0" });
    s.frame({ type: "message", seq: 11, ts: "2.0" });
    s.frame({ type: "user_typing", channel: "C1", user: "U2" });
    expect(t.events.map((e) => e.seq ?? e.type)).toEqual([11, "user_typing"]);
    expect(t.statuses.at(-1)).toBe("online");
  });

  it("resumes from the last seq after a drop, and a replay overlapping live events is deduplicated", async () => {
    const t = setup();
    t.rtm.start();
    await flush();
    t.sockets[0].frame({ type: "hello", seq: 1 });
    t.sockets[0].frame({ type: "message", seq: 2, ts: "2.0" });
    t.sockets[0].drop();
    expect(t.statuses.at(-1)).toBe("offline");
    t.timers.advance(500);
    await flush();
    const again = t.sockets[1];
    expect(again.url).toBe("ws://host/rtm?ticket=abc&since=2");
    again.frame({ type: "hello", seq: 5 });
    for (const seq of [2, 3, 4, 5]) again.frame({ type: "message", seq, ts: `${seq}.0` });
    expect(t.events.map((e) => e.seq)).toEqual([2, 3, 4, 5]);
    expect(t.resyncs()).toBe(0);
  });

  it("asks for a resync when the server cannot resume", async () => {
    const t = setup();
    t.rtm.start();
    await flush();
    t.sockets[0].frame({ type: "hello", seq: 1 });
    t.sockets[0].drop();
    t.timers.advance(500);
    await flush();
    t.sockets[1].frame({ type: "hello", seq: 900, resync: true });
    t.sockets[1].frame({ type: "message", seq: 900, ts: "1.0" });
    t.sockets[1].frame({ type: "message", seq: 901, ts: "2.0" });
    expect(t.resyncs()).toBe(1);
    expect(t.events.map((e) => e.seq)).toEqual([901]);
  });

  it("pings when idle and reconnects when no answer comes", async () => {
    const t = setup();
    t.rtm.start();
    await flush();
    const s = t.sockets[0];
    s.frame({ type: "hello", seq: 1 });
    t.timers.advance(20000);
    expect(JSON.parse(s.sent[0])).toMatchObject({ type: "ping" });
    t.timers.advance(10000);
    expect(s.closed).toBe(true);
    t.timers.advance(500);
    await flush();
    expect(t.sockets).toHaveLength(2);
  });

  it("retries at once when the browser comes back online", async () => {
    const t = setup();
    t.rtm.start();
    await flush();
    t.sockets[0].frame({ type: "hello", seq: 3 });
    t.rtm.networkLost();
    expect(t.sockets[0].closed).toBe(true);
    t.rtm.retryNow();
    await flush();
    expect(t.sockets[1].url).toContain("since=3");
  });

  it("retries rtm.connect failures with backoff, and stops for good on stop()", async () => {
    let calls = 0;
    const timers = new FakeTimers();
    const rtm = new RtmConnection({
      connectUrl: async () => {
        calls++;
        throw new Error("down");
      },
      createSocket: () => new FakeSocket("x"),
      onEvent: () => undefined,
      onStatus: () => undefined,
      onResync: () => undefined,
      timers,
      random: () => 0.5,
    });
    rtm.start();
    await flush();
    timers.advance(500);
    await flush();
    expect(calls).toBe(2);
    rtm.stop();
    timers.advance(60000);
    await flush();
    expect(calls).toBe(2);
  });
});
