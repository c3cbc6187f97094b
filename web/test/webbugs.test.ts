// Issue 16's pure pieces: popover placement, the focus trap's next stop, grouped join
// lines, and the words for an ended session.
import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api/client";
import type { Message } from "../src/api/types";
import { endedBy, endedText } from "../src/app/features/ended";
import { characterCount } from "../src/lib/limits";
import { placePopover } from "../src/lib/popover";
import { buildRows } from "../src/state/rows";

const viewport = { width: 1280, height: 800 };
const size = { width: 320, height: 300 };

describe("placePopover", () => {
  it("opens below, right-aligned to the anchor, when it fits", () => {
    const p = placePopover({ left: 600, top: 100, width: 28, height: 28 }, size, viewport);
    expect(p).toEqual({ left: 628 - 320, top: 132 });
  });

  it("flips above when the bottom has no room, and stays inside on the right", () => {
    const p = placePopover({ left: 1250, top: 700, width: 28, height: 28 }, size, viewport, { align: "start" });
    expect(p.top).toBe(700 - 4 - 300);
    expect(p.left + size.width).toBeLessThanOrEqual(1280 - 8);
  });

  it("prefers above for composer buttons, below when above is too small", () => {
    expect(placePopover({ left: 400, top: 700, width: 28, height: 28 }, size, viewport, { side: "above" }).top).toBe(396);
    expect(placePopover({ left: 400, top: 60, width: 28, height: 28 }, size, viewport, { side: "above" }).top).toBe(92);
  });

  it("never starts left of the window and scrolls when taller than the room", () => {
    const p = placePopover({ left: 0, top: 390, width: 20, height: 20 }, { width: 320, height: 700 }, viewport);
    expect(p.left).toBe(8);
    expect(p.maxHeight).toBeDefined();
    expect(p.top + (p.maxHeight ?? 0)).toBeLessThanOrEqual(800 - 8);
    expect(p.top).toBeGreaterThanOrEqual(8);
  });
});

const join = (ts: string, user: string): Message => ({ type: "message", ts, user, subtype: "channel_join", text: `<@${user}> has joined the channel` });
const said = (ts: string, user: string): Message => ({ type: "message", ts, user, text: "hi" });

describe("join lines", () => {
  it("folds consecutive joins into one row, and not across a message", () => {
    const rows = buildRows([join("1000.000001", "U1"), join("1001.000001", "U2"), join("1002.000001", "U3"), said("1003.000001", "U1"), join("1004.000001", "U4")], { hasMoreOlder: false });
    const kinds = rows.map((r) => r.kind);
    expect(kinds).toEqual(["start", "day", "joins", "message", "message"]);
    const group = rows[2];
    expect(group.kind === "joins" && group.messages.map((m) => m.user)).toEqual(["U1", "U2", "U3"]);
  });
});

describe("ended sessions", () => {
  it("reads account_inactive with the workspace and reason, and token_expired", () => {
    const deactivated = endedBy(new ApiError("account_inactive", { ok: false, error: "account_inactive", team_name: "Acme", reason: "Left" }));
    expect(deactivated).toEqual({ kind: "deactivated", teamName: "Acme", reason: "Left" });
    expect(endedText(deactivated!)).toBe("Your account on Acme was deactivated.");
    const expired = endedBy(new ApiError("token_expired"));
    expect(expired && endedText(expired)).toBe("Your session expired. Sign in again to continue.");
    expect(endedBy(new ApiError("invalid_auth"))).toBeNull();
  });
});

describe("characterCount", () => {
  it("counts code points as the server does", () => {
    expect(characterCount("a😀b")).toBe(3);
  });
});
