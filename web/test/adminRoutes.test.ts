import { describe, expect, it } from "vitest";
import { parseRoute } from "../src/lib/router";

describe("admin and password-reset routes", () => {
  it("parses /admin tabs, defaulting to members", () => {
    expect(parseRoute("/admin", "")).toEqual({ name: "admin", tab: "members" });
    expect(parseRoute("/admin/invitations", "")).toEqual({ name: "admin", tab: "invitations" });
  });
  it("parses the forgot-password form with its prefill and the reset link", () => {
    expect(parseRoute("/forgot-password", "?domain=acme&email=a%40x.example")).toEqual({ name: "forgot", domain: "acme", email: "a@x.example" });
    expect(parseRoute("/reset-password/T1-abc", "")).toEqual({ name: "reset", code: "T1-abc" });
    expect(parseRoute("/reset-password", "")).toEqual({ name: "notFound" });
  });
});
