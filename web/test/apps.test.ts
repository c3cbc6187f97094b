import { describe, expect, it } from "vitest";
import { ApiClient } from "../src/api/client";
import { Apps, emptyApps, matchCommands, parseCommand, stackDepth, topModal, withView, withoutView, type View } from "../src/app/apps";
import { initialValues, validate } from "../src/components/BlockKit";

const view = (id: string, extra: Partial<View> = {}): View => ({ id, type: "modal", app_id: "A1", blocks: [], root_view_id: id, ...extra });

/** An ApiClient whose server is a function of (method, args). */
function fakeApi(answer: (method: string, args: Record<string, unknown>) => Record<string, unknown>) {
  const calls: [string, Record<string, unknown>][] = [];
  const fetchImpl = (async (url: string, init: { body: string }) => {
    const method = url.replace("/api/", "");
    const args = JSON.parse(init.body) as Record<string, unknown>;
    calls.push([method, args]);
    return new Response(JSON.stringify(answer(method, args)), { status: 200 });
  }) as unknown as typeof fetch;
  return { api: new ApiClient({ fetchImpl, cookies: () => "" }), calls };
}

describe("slash commands", () => {
  it("parses `/cmd text` and leaves other text alone", () => {
    expect(parseCommand("/Echo  hi there ")).toEqual({ command: "/echo", text: "hi there" });
    expect(parseCommand("/deploy")).toEqual({ command: "/deploy", text: "" });
    expect(parseCommand("/echo line one\nline two")).toEqual({ command: "/echo", text: "line one\nline two" });
    expect(parseCommand("hello /echo")).toBeNull();
    expect(parseCommand("/")).toBeNull();
    expect(parseCommand("/usr/bin/env")).toBeNull();
  });

  it("lists matching commands, prefix matches first", () => {
    const commands = [
      { command: "/remind", app_id: "A1", description: "Set a reminder", usage_hint: "" },
      { command: "/echo", app_id: "A2", description: "Echo text", usage_hint: "[text]" },
      { command: "/deploy", app_id: "A2", description: "Deploy and echo the result", usage_hint: "" },
    ];
    expect(matchCommands(commands, "/").map((c) => c.command)).toEqual(["/deploy", "/echo", "/remind"]);
    expect(matchCommands(commands, "/ec").map((c) => c.command)).toEqual(["/echo", "/deploy"]);
    expect(matchCommands(commands, "/zz")).toEqual([]);
  });

  it("invokes commands.invoke and surfaces the server's error", async () => {
    const { api, calls } = fakeApi((_method, args) => (args.command === "/nope" ? { ok: false, error: "invalid_command" } : { ok: true, response: null }));
    const apps = new Apps(api);
    await apps.invoke("C1", "/echo", "hi");
    expect(calls[0]).toEqual(["commands.invoke", { channel: "C1", command: "/echo", text: "hi" }]);
    await expect(apps.invoke("C1", "/nope", "")).rejects.toMatchObject({ error: "invalid_command" });
  });
});

describe("view stacks", () => {
  it("shows the newest modal and counts its stack", () => {
    let s = withView(emptyApps, view("V1"));
    s = withView(s, view("V2", { root_view_id: "V1", previous_view_id: "V1" }));
    s = withView(s, { ...view("H1"), type: "home" });
    expect(topModal(s)?.id).toBe("V2");
    expect(stackDepth(s, s.views.V2)).toBe(2);
    // An update replaces in place, keeping the order.
    s = withView(s, view("V1", { title: { type: "plain_text", text: "New" } }));
    expect(topModal(s)?.id).toBe("V2");
    expect(withoutView(s, "V2").modalOrder).toEqual(["V1"]);
    const cleared = withoutView(s, "V2", true);
    expect(cleared.modalOrder).toEqual([]);
    expect(cleared.views.H1).toBeDefined();
  });

  it("follows the server's view events", () => {
    const { api } = fakeApi(() => ({ ok: true, views: [] }));
    const apps = new Apps(api);
    expect(apps.handleEvent({ type: "view_opened", view: view("V1") })).toBe(true);
    expect(apps.handleEvent({ type: "view_updated", view: view("V1", { callback_id: "x" }) })).toBe(true);
    expect(apps.getState().views.V1.callback_id).toBe("x");
    apps.handleEvent({ type: "app_home_updated", view: { ...view("H1"), type: "home" } });
    apps.handleEvent({ type: "view_closed", view: view("V1") });
    expect(topModal(apps.getState())).toBeNull();
    expect(apps.getState().views.H1).toBeDefined();
    expect(apps.handleEvent({ type: "message", ts: "1.0" })).toBe(false);
  });

  it("submits state values and applies the app's answer", async () => {
    const answers: Record<string, unknown>[] = [
      { ok: true, response_action: "errors", errors: { title: "Too short" } },
      { ok: true, response_action: "push", view: view("V2", { root_view_id: "V1" }) },
      { ok: true, response_action: "clear" },
    ];
    const { api, calls } = fakeApi(() => answers.shift() ?? { ok: true });
    const apps = new Apps(api);
    apps.handleEvent({ type: "view_opened", view: view("V1") });
    const values = { title: { t: { type: "plain_text_input", value: "x" } } };
    expect(await apps.submit(apps.getState().views.V1, values)).toEqual({ errors: { title: "Too short" } });
    expect(calls[0]).toEqual(["views.submit", { view_id: "V1", values }]);
    expect(topModal(apps.getState())?.id).toBe("V1");
    await apps.submit(apps.getState().views.V1, values);
    expect(topModal(apps.getState())?.id).toBe("V2");
    await apps.submit(apps.getState().views.V2, values);
    expect(apps.getState().modalOrder).toEqual([]);
  });

  it("closing tells the server and drops the view at once", async () => {
    const { api, calls } = fakeApi(() => ({ ok: true }));
    const apps = new Apps(api);
    apps.handleEvent({ type: "view_opened", view: view("V1", { notify_on_close: true }) });
    const closing = apps.close(apps.getState().views.V1);
    expect(topModal(apps.getState())).toBeNull();
    await closing;
    expect(calls).toEqual([["views.close", { view_id: "V1" }]]);
  });
});

describe("Block Kit input state", () => {
  const blocks = [
    { type: "section", text: { type: "mrkdwn", text: "*Hi*" } },
    { type: "input", block_id: "title", label: { type: "plain_text", text: "Title" }, element: { type: "plain_text_input", action_id: "t", initial_value: "Draft", min_length: 3, max_length: 10 } },
    { type: "input", block_id: "size", label: { type: "plain_text", text: "Size" }, element: { type: "static_select", action_id: "s", options: [{ text: { type: "plain_text", text: "S" }, value: "s" }] } },
    { type: "input", block_id: "when", optional: true, label: { type: "plain_text", text: "When" }, element: { type: "datepicker", action_id: "d" } },
    { type: "input", label: { type: "plain_text", text: "Tags" }, element: { type: "checkboxes", options: [], initial_options: [{ text: { type: "plain_text", text: "a" }, value: "a" }] } },
  ];

  it("starts from the elements' initial values, in Slack's state shape", () => {
    const values = initialValues(blocks);
    expect(values).toEqual({
      title: { t: { type: "plain_text_input", value: "Draft" } },
      size: { s: { type: "static_select", selected_option: null } },
      when: { d: { type: "datepicker", selected_date: null } },
      "block-4": { "action-0": { type: "checkboxes", selected_options: [{ text: { type: "plain_text", text: "a" }, value: "a" }] } },
    });
    // An update keeps what was typed into a block that is still there.
    const typed = { ...values, title: { t: { type: "plain_text_input", value: "Mine" } } };
    expect(initialValues(blocks, typed).title.t.value).toBe("Mine");
  });

  it("checks required fields and lengths before sending", () => {
    const values = initialValues(blocks);
    expect(validate(blocks, values)).toEqual({ size: "Please complete this required field." });
    values.title.t = { type: "plain_text_input", value: "ab" };
    values.size.s = { type: "static_select", selected_option: { text: { type: "plain_text", text: "S" }, value: "s" } };
    expect(validate(blocks, values)).toEqual({ title: "Enter at least 3 characters." });
    values.title.t = { type: "plain_text_input", value: "far too long a title" };
    expect(validate(blocks, values)).toEqual({ title: "Enter at most 10 characters." });
    values.title.t = { type: "plain_text_input", value: "Good" };
    expect(validate(blocks, values)).toEqual({});
  });
});

describe("manifest warnings", () => {
  it("reads them from apps.manifest.export; none for people who may not manage the app", async () => {
    const warning = { code: "scope_not_served", message: "Parley does not serve dnd:read yet", pointer: "/oauth_config/scopes/bot/3" };
    const { api, calls } = fakeApi((_method, args) =>
      args.app_id === "A1" ? { ok: true, manifest: {}, warnings: [warning] } : args.app_id === "A2" ? { ok: true, manifest: {} } : { ok: false, error: "no_permission" },
    );
    const apps = new Apps(api);
    expect(await apps.manifestWarnings("A1")).toEqual([warning]);
    expect(calls[0]).toEqual(["apps.manifest.export", { app_id: "A1" }]);
    expect(await apps.manifestWarnings("A2")).toEqual([]);
    expect(await apps.manifestWarnings("A3")).toEqual([]);
  });
});
