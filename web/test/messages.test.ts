import { describe, expect, it } from "vitest";
import type { Message } from "../src/api/types";
import { mergeMessages, removeMessage, searchTs, upsertMessage } from "../src/state/messages";

const m = (ts: string, extra: Partial<Message> = {}): Message => ({ type: "message", ts, text: `t${ts}`, user: "U1", ...extra });

describe("sorted message logs", () => {
  it("finds by ts with a binary search, and reports the insertion point", () => {
    const log = [m("1.000001"), m("1.000005"), m("2.000000")];
    expect(searchTs(log, "1.000005")).toBe(1);
    expect(searchTs(log, "1.000003")).toBe(-2);
    expect(searchTs(log, "3.000000")).toBe(-4);
  });

  it("compares ts as numbers, not strings or floats", () => {
    const log = mergeMessages([], [m("999999999.000001"), m("1000000000.000001"), m("1000000000.000000")]);
    expect(log.map((x) => x.ts)).toEqual(["999999999.000001", "1000000000.000000", "1000000000.000001"]);
  });

  it("inserts in order and replaces a message with the same ts", () => {
    let log = upsertMessage([], m("2.0")).messages;
    log = upsertMessage(log, m("1.0")).messages;
    const again = upsertMessage(log, m("2.0", { text: "edited" }));
    expect(again.isNew).toBe(false);
    expect(again.messages.map((x) => x.text)).toEqual(["t1.0", "edited"]);
  });

  it("reconciles an optimistic message with the server copy by client_msg_id", () => {
    const local = m("9.000000", { local: "sending", client_msg_id: "abc" });
    const log = [m("1.0"), local];
    const r = upsertMessage(log, m("5.000000", { client_msg_id: "abc" }));
    expect(r.isNew).toBe(false);
    expect(r.messages.map((x) => x.ts)).toEqual(["1.0", "5.000000"]);
    expect(r.messages[1].local).toBeUndefined();
  });

  it("merges an older page without duplicates", () => {
    const log = [m("3.0"), m("4.0")];
    const merged = mergeMessages(log, [m("4.0"), m("3.0"), m("2.0"), m("1.0")]);
    expect(merged.map((x) => x.ts)).toEqual(["1.0", "2.0", "3.0", "4.0"]);
  });

  it("drops a pending local copy when a page brings the server's", () => {
    const log = [m("1.0"), m("9.0", { local: "sending", client_msg_id: "x" })];
    const merged = mergeMessages(log, [m("2.0", { client_msg_id: "x" })]);
    expect(merged.map((x) => x.ts)).toEqual(["1.0", "2.0"]);
  });

  it("removes by ts and leaves the array alone when absent", () => {
    const log = [m("1.0"), m("2.0")];
    expect(removeMessage(log, "1.0").map((x) => x.ts)).toEqual(["2.0"]);
    expect(removeMessage(log, "5.0")).toBe(log);
  });
});
