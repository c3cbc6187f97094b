// Block Kit for views (modals and App Home): layout blocks, interactive elements and input
// blocks whose values form Slack's `view.state.values`. Text is rendered as React nodes,
// never as HTML.
import { Fragment, type ReactNode, useEffect, useId, useRef, useState } from "react";
import type { BlockElement, ElementState, OptionObject, StateValues, TextObject } from "../app/apps";
import { useAppState } from "../app/context";
import { emojify } from "../lib/emoji";
import { conversationTitle, displayName } from "../lib/names";

export interface BlockKitProps {
  blocks: readonly BlockElement[];
  values: StateValues;
  errors?: Record<string, string>;
  onChange: (blockId: string, actionId: string, state: ElementState) => void;
  /** Buttons, and selects outside input blocks (or with `dispatch_action`). */
  onAction: (blockId: string, actionId: string, chosen: Record<string, unknown>) => void;
  suggest?: (blockId: string, actionId: string, typed: string) => Promise<OptionObject[]>;
}

type Obj = Record<string, unknown>;
const INPUT_TYPES = new Set([
  "plain_text_input",
  "number_input",
  "email_text_input",
  "url_text_input",
  "static_select",
  "external_select",
  "multi_static_select",
  "users_select",
  "multi_users_select",
  "conversations_select",
  "channels_select",
  "checkboxes",
  "radio_buttons",
  "datepicker",
  "timepicker",
]);

export function blockIdOf(block: BlockElement, index: number): string {
  return typeof block.block_id === "string" && block.block_id ? block.block_id : `block-${index}`;
}

export function actionIdOf(element: BlockElement, index: number): string {
  return typeof element.action_id === "string" && element.action_id ? element.action_id : `action-${index}`;
}

function asElement(value: unknown): BlockElement | null {
  return value && typeof value === "object" && typeof (value as Obj).type === "string" ? (value as BlockElement) : null;
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as Obj).text === "string") return (value as TextObject).text;
  return "";
}

function optionsOf(element: BlockElement): OptionObject[] {
  const direct = Array.isArray(element.options) ? (element.options as OptionObject[]) : [];
  const grouped = Array.isArray(element.option_groups) ? (element.option_groups as { options?: OptionObject[] }[]).flatMap((g) => g.options ?? []) : [];
  return [...direct, ...grouped].filter((o) => o && typeof o.value === "string");
}

/** The state an input element starts with (its `initial_*` fields). */
export function initialState(element: BlockElement): ElementState {
  const type = element.type;
  const option = (element.initial_option as OptionObject | undefined) ?? null;
  const options = Array.isArray(element.initial_options) ? (element.initial_options as OptionObject[]) : [];
  switch (type) {
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input":
      return { type, value: typeof element.initial_value === "string" ? element.initial_value : null };
    case "static_select":
    case "external_select":
    case "radio_buttons":
      return { type, selected_option: option };
    case "multi_static_select":
    case "checkboxes":
      return { type, selected_options: options };
    case "users_select":
      return { type, selected_user: (element.initial_user as string) ?? null };
    case "multi_users_select":
      return { type, selected_users: (element.initial_users as string[]) ?? [] };
    case "conversations_select":
      return { type, selected_conversation: (element.initial_conversation as string) ?? null };
    case "channels_select":
      return { type, selected_channel: (element.initial_channel as string) ?? null };
    case "datepicker":
      return { type, selected_date: (element.initial_date as string) ?? null };
    case "timepicker":
      return { type, selected_time: (element.initial_time as string) ?? null };
    default:
      return { type };
  }
}

/** `view.state.values` for a fresh view: every input block's element at its initial value. */
export function initialValues(blocks: readonly BlockElement[], keep: StateValues = {}): StateValues {
  const out: StateValues = {};
  blocks.forEach((block, i) => {
    if (block.type !== "input") return;
    const element = asElement(block.element);
    if (!element || !INPUT_TYPES.has(element.type)) return;
    const blockId = blockIdOf(block, i);
    const actionId = actionIdOf(element, 0);
    const kept = keep[blockId]?.[actionId];
    out[blockId] = { [actionId]: kept && kept.type === element.type ? kept : initialState(element) };
  });
  return out;
}

function isEmpty(state: ElementState | undefined): boolean {
  if (!state) return true;
  const filled = [state.value, state.selected_option, state.selected_user, state.selected_conversation, state.selected_channel, state.selected_date, state.selected_time].some((v) => v !== null && v !== undefined && v !== "");
  const many = [state.selected_options, state.selected_users].some((v) => Array.isArray(v) && v.length > 0);
  return !filled && !many;
}

/** What Slack checks in the client before `view_submission`: required inputs and lengths. */
export function validate(blocks: readonly BlockElement[], values: StateValues): Record<string, string> {
  const errors: Record<string, string> = {};
  blocks.forEach((block, i) => {
    if (block.type !== "input") return;
    const element = asElement(block.element);
    if (!element) return;
    const blockId = blockIdOf(block, i);
    const state = values[blockId]?.[actionIdOf(element, 0)];
    if (isEmpty(state)) {
      if (!block.optional) errors[blockId] = "Please complete this required field.";
      return;
    }
    const text = state?.value ?? "";
    const min = Number(element.min_length ?? 0);
    const max = Number(element.max_length ?? 0);
    if (element.type === "plain_text_input" && min && text.length < min) errors[blockId] = `Enter at least ${min} characters.`;
    else if (element.type === "plain_text_input" && max && text.length > max) errors[blockId] = `Enter at most ${max} characters.`;
    else if (element.type === "number_input" && text && Number.isNaN(Number(text))) errors[blockId] = "Enter a number.";
  });
  return errors;
}

// ---- text ------------------------------------------------------------------------------

const INLINE = /(<[^>\s][^>]*>|\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~|`[^`\n]+`)/g;

function Inline({ text }: { text: string }) {
  const users = useAppState((s) => s.users);
  const conversations = useAppState((s) => s.conversations);
  const parts = text.split(INLINE);
  return (
    <>
      {parts.map((part, i) => {
        if (!part) return null;
        if (i % 2 === 0) return <Fragment key={i}>{emojify(part)}</Fragment>;
        const inner = part.slice(1, -1);
        switch (part[0]) {
          case "*":
            return <strong key={i}>{emojify(inner)}</strong>;
          case "_":
            return <em key={i}>{emojify(inner)}</em>;
          case "~":
            return <s key={i}>{emojify(inner)}</s>;
          case "`":
            return <code key={i}>{inner}</code>;
          default: {
            const [target, label] = inner.split("|", 2);
            if (target.startsWith("@")) return <span key={i} className="mention">@{label ?? displayName(users[target.slice(1)], target.slice(1))}</span>;
            if (target.startsWith("#")) return <span key={i} className="mention">#{label ?? conversationTitle(conversations[target.slice(1)], users, undefined) ?? target.slice(1)}</span>;
            if (target.startsWith("!")) return <span key={i} className="mention">@{target.slice(1)}</span>;
            if (/^(https?:|mailto:)/i.test(target))
              return (
                <a key={i} href={target} target="_blank" rel="noopener noreferrer">
                  {label ?? target}
                </a>
              );
            return <Fragment key={i}>{part}</Fragment>;
          }
        }
      })}
    </>
  );
}

/** `plain_text` as is; `mrkdwn` with Slack's inline marks, links and mentions. */
export function TextView({ text, className }: { text: unknown; className?: string }) {
  const t = textOf(text);
  const mrkdwn = typeof text === "object" && text !== null && (text as Obj).type === "mrkdwn";
  const lines = t.split("\n");
  return (
    <span className={className}>
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {mrkdwn ? <Inline text={line.replace(/^&gt;\s?/, "")} /> : emojify(line)}
        </Fragment>
      ))}
    </span>
  );
}

// ---- elements ---------------------------------------------------------------------------

interface ElementProps {
  element: BlockElement;
  blockId: string;
  actionId: string;
  id: string;
  state: ElementState | undefined;
  describedBy?: string;
  invalid?: boolean;
  labelledBy?: string;
  /** The new state of an input; `dispatch` also tells the app (`block_actions`). */
  set: (state: ElementState, chosen: Record<string, unknown>) => void;
  suggest?: BlockKitProps["suggest"];
}

function ariaOf(p: ElementProps) {
  return { "aria-describedby": p.describedBy, "aria-invalid": p.invalid || undefined };
}

function TextInput(p: ElementProps) {
  const e = p.element;
  const type = e.type === "number_input" ? "number" : e.type === "email_text_input" ? "email" : e.type === "url_text_input" ? "url" : "text";
  const common = {
    id: p.id,
    className: "input",
    value: p.state?.value ?? "",
    placeholder: textOf(e.placeholder) || undefined,
    minLength: typeof e.min_length === "number" ? e.min_length : undefined,
    maxLength: typeof e.max_length === "number" ? e.max_length : undefined,
    ...ariaOf(p),
  };
  const change = (value: string) => p.set({ type: e.type, value }, { value });
  return e.multiline ? <textarea {...common} rows={4} onChange={(ev) => change(ev.target.value)} /> : <input {...common} type={type} onChange={(ev) => change(ev.target.value)} />;
}

function StaticSelect(p: ElementProps) {
  const e = p.element;
  const options = optionsOf(e);
  const groups = Array.isArray(e.option_groups) ? (e.option_groups as { label: TextObject; options: OptionObject[] }[]) : null;
  const placeholder = textOf(e.placeholder) || "Choose an option";
  const render = (o: OptionObject) => (
    <option key={o.value} value={o.value}>
      {textOf(o.text)}
    </option>
  );
  if (e.type === "multi_static_select") {
    const chosen = (p.state?.selected_options ?? []).map((o) => o.value);
    return (
      <select
        id={p.id}
        className="input bk-multi"
        multiple
        size={Math.min(Math.max(options.length, 2), 6)}
        value={chosen}
        aria-labelledby={p.labelledBy}
        {...ariaOf(p)}
        onChange={(ev) => {
          const values = new Set(Array.from(ev.target.selectedOptions, (o) => o.value));
          const picked = options.filter((o) => values.has(o.value));
          p.set({ type: e.type, selected_options: picked }, { selected_options: picked });
        }}
      >
        {groups ? groups.map((g) => <optgroup key={textOf(g.label)} label={textOf(g.label)}>{g.options.map(render)}</optgroup>) : options.map(render)}
      </select>
    );
  }
  return (
    <select
      id={p.id}
      className="input"
      value={p.state?.selected_option?.value ?? ""}
      aria-labelledby={p.labelledBy}
      {...ariaOf(p)}
      onChange={(ev) => {
        const picked = options.find((o) => o.value === ev.target.value) ?? null;
        p.set({ type: e.type, selected_option: picked }, { selected_option: picked });
      }}
    >
      <option value="">{placeholder}</option>
      {groups ? groups.map((g) => <optgroup key={textOf(g.label)} label={textOf(g.label)}>{g.options.map(render)}</optgroup>) : options.map(render)}
    </select>
  );
}

function PeopleSelect(p: ElementProps) {
  const e = p.element;
  const users = useAppState((s) => s.users);
  const people = Object.values(users)
    .filter((u) => !u.deleted)
    .sort((a, b) => displayName(a).localeCompare(displayName(b)));
  if (e.type === "multi_users_select") {
    return (
      <select id={p.id} className="input bk-multi" multiple size={Math.min(Math.max(people.length, 2), 6)} value={p.state?.selected_users ?? []} aria-labelledby={p.labelledBy} {...ariaOf(p)} onChange={(ev) => {
        const chosen = Array.from(ev.target.selectedOptions, (o) => o.value);
        p.set({ type: e.type, selected_users: chosen }, { selected_users: chosen });
      }}>
        {people.map((u) => <option key={u.id} value={u.id}>{displayName(u)}</option>)}
      </select>
    );
  }
  return (
    <select id={p.id} className="input" value={p.state?.selected_user ?? ""} aria-labelledby={p.labelledBy} {...ariaOf(p)} onChange={(ev) => {
      const chosen = ev.target.value || null;
      p.set({ type: e.type, selected_user: chosen }, { selected_user: chosen });
    }}>
      <option value="">{textOf(e.placeholder) || "Choose a person"}</option>
      {people.map((u) => <option key={u.id} value={u.id}>{displayName(u)}</option>)}
    </select>
  );
}

function ConversationSelect(p: ElementProps) {
  const e = p.element;
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const selfId = useAppState((s) => s.self?.userId);
  const channelsOnly = e.type === "channels_select";
  const list = Object.values(conversations)
    .filter((c) => c.is_member && !c.is_archived && (!channelsOnly || (!c.is_im && !c.is_mpim)))
    .map((c) => ({ id: c.id, title: `${c.is_im || c.is_mpim ? "" : "#"}${conversationTitle(c, users, selfId)}` }))
    .sort((a, b) => a.title.localeCompare(b.title));
  const field = channelsOnly ? "selected_channel" : "selected_conversation";
  const current = (channelsOnly ? p.state?.selected_channel : p.state?.selected_conversation) ?? "";
  return (
    <select id={p.id} className="input" value={current} aria-labelledby={p.labelledBy} {...ariaOf(p)} onChange={(ev) => {
      const chosen = ev.target.value || null;
      p.set({ type: e.type, [field]: chosen }, { [field]: chosen });
    }}>
      <option value="">{textOf(e.placeholder) || (channelsOnly ? "Choose a channel" : "Choose a conversation")}</option>
      {list.map((c) => <option key={c.id} value={c.id}>{c.title}</option>)}
    </select>
  );
}

function Choices(p: ElementProps) {
  const e = p.element;
  const multiple = e.type === "checkboxes";
  const options = optionsOf(e);
  const chosen = new Set(multiple ? (p.state?.selected_options ?? []).map((o) => o.value) : [p.state?.selected_option?.value]);
  return (
    <div className="bk-choices" role={multiple ? "group" : "radiogroup"} aria-labelledby={p.labelledBy} {...ariaOf(p)}>
      {options.map((o, i) => (
        <label key={o.value} className="bk-choice">
          <input
            type={multiple ? "checkbox" : "radio"}
            name={p.id}
            id={i === 0 ? p.id : undefined}
            checked={chosen.has(o.value)}
            onChange={(ev) => {
              if (multiple) {
                const next = options.filter((x) => (x.value === o.value ? ev.target.checked : chosen.has(x.value)));
                p.set({ type: e.type, selected_options: next }, { selected_options: next });
              } else {
                p.set({ type: e.type, selected_option: o }, { selected_option: o });
              }
            }}
          />
          <span>
            <TextView text={o.text} />
            {o.description && <TextView className="bk-choice-detail muted small" text={o.description} />}
          </span>
        </label>
      ))}
    </div>
  );
}

function ExternalSelect(p: ElementProps) {
  const e = p.element;
  const [typed, setTyped] = useState(p.state?.selected_option ? textOf(p.state.selected_option.text) : "");
  const [options, setOptions] = useState<OptionObject[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [status, setStatus] = useState("");
  const listId = useId();
  const minLength = typeof e.min_query_length === "number" ? e.min_query_length : 3;
  const request = useRef(0);
  const { suggest, blockId, actionId } = p;

  useEffect(() => {
    if (!open || typed.length < minLength || !suggest) {
      setOptions([]);
      return;
    }
    const n = ++request.current;
    const timer = setTimeout(() => {
      setStatus("Loading…");
      suggest(blockId, actionId, typed).then(
        (found) => {
          if (n !== request.current) return;
          setOptions(found);
          setActive(0);
          setStatus(found.length ? "" : "No matches");
        },
        () => n === request.current && setStatus("The app did not answer"),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [typed, open, minLength, suggest, blockId, actionId]);

  const pick = (o: OptionObject) => {
    setTyped(textOf(o.text));
    setOpen(false);
    p.set({ type: e.type, selected_option: o }, { selected_option: o });
  };
  const shown = open && (options.length > 0 || status);
  return (
    <div className="bk-combo">
      <input
        id={p.id}
        className="input"
        role="combobox"
        aria-expanded={!!shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && options.length ? `${listId}-${active}` : undefined}
        placeholder={textOf(e.placeholder) || `Type ${minLength} or more characters`}
        value={typed}
        autoComplete="off"
        {...ariaOf(p)}
        onChange={(ev) => {
          setTyped(ev.target.value);
          setOpen(true);
          if (p.state?.selected_option) p.set({ type: e.type, selected_option: null }, { selected_option: null });
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(ev) => {
          if (!shown || !options.length) return;
          if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
            ev.preventDefault();
            setActive((i) => (i + (ev.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
          } else if (ev.key === "Enter") {
            ev.preventDefault();
            pick(options[active]);
          } else if (ev.key === "Escape") {
            ev.stopPropagation();
            setOpen(false);
          }
        }}
      />
      {shown && (
        <ul className="bk-listbox" role="listbox" id={listId}>
          {options.map((o, i) => (
            <li key={o.value} id={`${listId}-${i}`} role="option" aria-selected={i === active} className={i === active ? "autocomplete-selected" : ""} onMouseDown={(ev) => {
              ev.preventDefault();
              pick(o);
            }}>
              <TextView text={o.text} />
            </li>
          ))}
          {!options.length && <li className="muted small bk-status">{status}</li>}
        </ul>
      )}
    </div>
  );
}

function DateTime(p: ElementProps) {
  const e = p.element;
  const date = e.type === "datepicker";
  const value = (date ? p.state?.selected_date : p.state?.selected_time) ?? "";
  return (
    <input id={p.id} className="input bk-date" type={date ? "date" : "time"} value={value} {...ariaOf(p)} onChange={(ev) => {
      const chosen = ev.target.value || null;
      const field = date ? "selected_date" : "selected_time";
      p.set({ type: e.type, [field]: chosen }, { [field]: chosen });
    }} />
  );
}

function InputElement(p: ElementProps) {
  switch (p.element.type) {
    case "plain_text_input":
    case "number_input":
    case "email_text_input":
    case "url_text_input":
      return <TextInput {...p} />;
    case "static_select":
    case "multi_static_select":
      return <StaticSelect {...p} />;
    case "external_select":
      return <ExternalSelect {...p} />;
    case "users_select":
    case "multi_users_select":
      return <PeopleSelect {...p} />;
    case "conversations_select":
    case "channels_select":
      return <ConversationSelect {...p} />;
    case "checkboxes":
    case "radio_buttons":
      return <Choices {...p} />;
    case "datepicker":
    case "timepicker":
      return <DateTime {...p} />;
    default:
      return <p className="muted small">This element is not supported here.</p>;
  }
}

function ButtonElement({ element, onClick }: { element: BlockElement; onClick: () => void }) {
  const style = element.style === "primary" ? "button-primary" : element.style === "danger" ? "button-danger" : "button-secondary";
  const url = typeof element.url === "string" && /^https?:/i.test(element.url) ? element.url : null;
  return (
    <button type="button" className={`button button-small ${style}`} aria-label={textOf(element.accessibility_label) || undefined} onClick={() => {
      if (url) window.open(url, "_blank", "noopener,noreferrer");
      onClick();
    }}>
      <TextView text={element.text} />
    </button>
  );
}

function ImageElement({ element, className }: { element: BlockElement; className?: string }) {
  const src = typeof element.image_url === "string" ? element.image_url : "";
  if (!/^(https?:|\/)/i.test(src)) return null;
  return <img className={className} src={src} alt={typeof element.alt_text === "string" ? element.alt_text : ""} loading="lazy" />;
}

// ---- blocks -----------------------------------------------------------------------------

/** An interactive element outside an input block: acts at once (buttons, selects). */
function ActiveElement({ element, index, blockId, values, onChange, onAction, suggest, label }: { element: BlockElement; index: number; blockId: string; label?: string } & Pick<BlockKitProps, "values" | "onChange" | "onAction" | "suggest">) {
  const id = useId();
  const actionId = actionIdOf(element, index);
  if (element.type === "button") return <ButtonElement element={element} onClick={() => onAction(blockId, actionId, { value: element.value ?? "" })} />;
  if (element.type === "image") return <ImageElement element={element} className="bk-accessory-image" />;
  if (!INPUT_TYPES.has(element.type)) return null;
  const state = values[blockId]?.[actionId] ?? initialState(element);
  return (
    <span className="bk-inline-element">
      <label htmlFor={id} className="visually-hidden">
        {label || textOf(element.placeholder) || "Choose"}
      </label>
      <InputElement element={element} blockId={blockId} actionId={actionId} id={id} state={state} suggest={suggest} set={(next, chosen) => {
        onChange(blockId, actionId, next);
        onAction(blockId, actionId, chosen);
      }} />
    </span>
  );
}

function InputBlock({ block, blockId, props }: { block: BlockElement; blockId: string; props: BlockKitProps }) {
  const id = useId();
  const element = asElement(block.element);
  if (!element) return null;
  const actionId = actionIdOf(element, 0);
  const error = props.errors?.[blockId];
  const hint = textOf(block.hint);
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const group = element.type === "checkboxes" || element.type === "radio_buttons" || element.type.startsWith("multi_");
  return (
    <div className={`bk-input ${error ? "bk-input-invalid" : ""}`} data-block-id={blockId}>
      <label className="bk-label" htmlFor={group ? undefined : id} id={`${id}-label`}>
        <TextView text={block.label} />
        {!!block.optional && <span className="muted small"> (optional)</span>}
      </label>
      <InputElement
        element={element}
        blockId={blockId}
        actionId={actionId}
        id={id}
        labelledBy={`${id}-label`}
        state={props.values[blockId]?.[actionId]}
        describedBy={describedBy}
        invalid={!!error}
        suggest={props.suggest}
        set={(next, chosen) => {
          props.onChange(blockId, actionId, next);
          if (block.dispatch_action) props.onAction(blockId, actionId, chosen);
        }}
      />
      {hint && (
        <p className="muted small bk-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="form-error bk-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function Block({ block, index, props }: { block: BlockElement; index: number; props: BlockKitProps }): ReactNode {
  const blockId = blockIdOf(block, index);
  switch (block.type) {
    case "header":
      return <h3 className="bk-header"><TextView text={block.text} /></h3>;
    case "divider":
      return <hr className="bk-divider" />;
    case "section": {
      const accessory = asElement(block.accessory);
      const fields = Array.isArray(block.fields) ? (block.fields as TextObject[]) : [];
      return (
        <div className="bk-section" data-block-id={blockId}>
          <div className="bk-section-body">
            {!!block.text && <TextView text={block.text} className="bk-text" />}
            {fields.length > 0 && (
              <div className="bk-fields">
                {fields.map((f, i) => <TextView key={i} text={f} />)}
              </div>
            )}
          </div>
          {accessory && <ActiveElement element={accessory} index={0} blockId={blockId} label={textOf(block.text)} {...props} />}
        </div>
      );
    }
    case "context": {
      const elements = Array.isArray(block.elements) ? (block.elements as BlockElement[]) : [];
      return (
        <div className="bk-context muted small">
          {elements.map((e, i) => (e.type === "image" ? <ImageElement key={i} element={e} className="bk-context-image" /> : <TextView key={i} text={e} />))}
        </div>
      );
    }
    case "image":
      return (
        <figure className="bk-image">
          {!!block.title && <figcaption className="small"><TextView text={block.title} /></figcaption>}
          <ImageElement element={block} />
        </figure>
      );
    case "actions": {
      const elements = Array.isArray(block.elements) ? (block.elements as BlockElement[]) : [];
      return (
        <div className="bk-actions" role="group" aria-label="Actions" data-block-id={blockId}>
          {elements.map((e, i) => <ActiveElement key={i} element={e} index={i} blockId={blockId} {...props} />)}
        </div>
      );
    }
    case "input":
      return <InputBlock block={block} blockId={blockId} props={props} />;
    default:
      return null;
  }
}

export function BlockKit(props: BlockKitProps) {
  return (
    <div className="bk">
      {props.blocks.map((block, i) => (
        <Fragment key={`${blockIdOf(block, i)}:${block.type}`}>
          <Block block={block} index={i} props={props} />
        </Fragment>
      ))}
    </div>
  );
}
