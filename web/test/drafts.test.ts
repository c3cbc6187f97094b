import { describe, expect, it } from "vitest";
import { parseDraftKey } from "../src/app/features/draftSync";
import { isViewName } from "../src/components/SidebarViews";
import { Drafts, draftKey, type KeyValueStore } from "../src/state/drafts";

function memory(): KeyValueStore {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

describe("server-kept drafts", () => {
  it("parses the keys drafts are stored under", () => {
    expect(parseDraftKey(draftKey("T1", "C1"))).toEqual({ teamId: "T1", channel: "C1", threadTs: null });
    expect(parseDraftKey(draftKey("T1", "C1", "1700000000.000100"))).toEqual({ teamId: "T1", channel: "C1", threadTs: "1700000000.000100" });
    expect(parseDraftKey("something:else")).toBeNull();
  });

  it("tells the server about changes, not about copies from it or repeats", () => {
    const heard: [string, string][] = [];
    const drafts = new Drafts(memory(), (key, text) => heard.push([key, text]));
    const key = draftKey("T1", "C1");
    drafts.set(key, "hello");
    drafts.set(key, "hello");
    drafts.store(key, "from another device");
    drafts.clear(key);
    expect(heard).toEqual([
      [key, "hello"],
      [key, ""],
    ]);
    expect(drafts.get(key)).toBe("");
  });

  it("knows the view routes from channel ids", () => {
    expect(isViewName("threads")).toBe(true);
    expect(isViewName("C0123")).toBe(false);
    expect(isViewName("toString")).toBe(false);
  });
});
