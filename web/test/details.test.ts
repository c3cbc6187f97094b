import { describe, expect, it } from "vitest";
import type { RtmEvent } from "../src/api/types";
import { clampFrame, cropBox, localTime, PHOTO_VIEW } from "../src/lib/profile";
import { initialState, reducer, type State } from "../src/state/reducer";

function boot(): State {
  return reducer(initialState, {
    type: "boot",
    self: { userId: "UME", teamId: "T1" },
    team: { id: "T1", name: "Acme", domain: "acme" },
    users: [{ id: "UME", name: "me" }],
    conversations: [{ id: "C1", name: "plans", is_channel: true, is_member: true, num_members: 3 }],
    counts: [],
  });
}

describe("channel details events", () => {
  it("marks a channel private when it is converted", () => {
    const event = { type: "channel_converted_to_private", channel: "C1", user: "UME" } as RtmEvent;
    const s = reducer(boot(), { type: "rtm", event });
    expect(s.conversations.C1).toMatchObject({ is_private: true, is_channel: false, name: "plans", num_members: 3 });
  });

  it("counts members joining and leaving", () => {
    let s = reducer(boot(), { type: "rtm", event: { type: "member_joined_channel", channel: "C1", user: "UX" } as RtmEvent });
    expect(s.conversations.C1.num_members).toBe(4);
    s = reducer(s, { type: "rtm", event: { type: "member_left_channel", channel: "C1", user: "UX" } as RtmEvent });
    expect(s.conversations.C1.num_members).toBe(3);
  });
});

describe("photo framing", () => {
  it("crops the centred square of a wide image at zoom 1", () => {
    // 400x200 shown at 1.2x: 480x240, centred (x = -120) → the middle 200x200.
    expect(cropBox(400, 200, { zoom: 1, x: -120, y: 0 })).toEqual({ crop_x: 100, crop_y: 0, crop_w: 200 });
  });

  it("zooming in frames a smaller square, inside the image", () => {
    const box = cropBox(1000, 1000, { zoom: 2, x: -PHOTO_VIEW, y: -PHOTO_VIEW });
    expect(box.crop_w).toBe(500);
    expect(box.crop_x + box.crop_w).toBeLessThanOrEqual(1000);
    expect(box.crop_y + box.crop_w).toBeLessThanOrEqual(1000);
  });

  it("never lets the image leave an edge of the viewport uncovered", () => {
    expect(clampFrame(400, 200, { zoom: 1, x: 50, y: 30 })).toEqual({ zoom: 1, x: 0, y: 0 });
    expect(clampFrame(400, 200, { zoom: 1, x: -1000, y: -5 })).toEqual({ zoom: 1, x: PHOTO_VIEW - 480, y: 0 });
  });
});

describe("local time", () => {
  it("formats the time in the person's zone, and nothing for an unknown zone", () => {
    const noon = new Date(Date.UTC(2026, 0, 15, 12, 0));
    expect(localTime("Asia/Tokyo", noon)).toMatch(/9:00/);
    expect(localTime("Not/AZone", noon)).toBe("");
    expect(localTime(undefined, noon)).toBe("");
  });
});
