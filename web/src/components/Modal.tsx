// An app's modal (views.open / push / update): an accessible dialog with the view's blocks,
// client-side checks, `views.submit` (with the app's per-block errors) and `views.close`.
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client";
import { stackDepth, topModal, type ElementState, type StateValues, type View } from "../app/apps";
import { useController } from "../app/context";
import { BlockKit, initialValues, TextView, validate } from "./BlockKit";
import { FOCUSABLE, Modal } from "./Dialog";
import { useApps } from "./SlashCommands";

function textOf(value: unknown, fallback: string): string {
  return value && typeof value === "object" && typeof (value as { text?: unknown }).text === "string" ? (value as { text: string }).text : fallback;
}

function failureText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.error === "dispatch_failed" || e.error === "operation_timeout") return "The app did not respond. Try again in a moment.";
    if (e.error === "not_found") return "This form is no longer open.";
    if (e.error === "invalid_arguments") return "The app answered with a view Parley could not show.";
    return `Something went wrong (${e.error.replace(/_/g, " ")}).`;
  }
  return "Network error: check your connection and try again.";
}

export function AppModal({ view, depth, saved }: { view: View; depth: number; saved?: Map<string, StateValues> }) {
  const c = useController();
  // What was typed survives a pushed view on top (the map outlives this component).
  const [values, setValues] = useState<StateValues>(() => initialValues(view.blocks, saved?.get(view.id)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState("");
  const [busy, setBusy] = useState(false);
  const valuesRef = useRef(values);
  valuesRef.current = values;
  useEffect(() => {
    saved?.set(view.id, values);
  }, [saved, view.id, values]);

  // An update keeps what the person typed in blocks that are still there (Slack's rule).
  useEffect(() => {
    setValues((old) => initialValues(view.blocks, old));
    setErrors({});
  }, [view.blocks]);

  const close = useCallback(() => {
    c.apps.close(view).catch(() => c.toast("Could not close the form"));
  }, [c, view]);

  const onChange = useCallback((blockId: string, actionId: string, state: ElementState) => {
    setValues((old) => ({ ...old, [blockId]: { ...old[blockId], [actionId]: state } }));
    setErrors((old) => {
      if (!old[blockId]) return old;
      const { [blockId]: _gone, ...rest } = old;
      void _gone;
      return rest;
    });
  }, []);

  const onAction = useCallback(
    (blockId: string, actionId: string, chosen: Record<string, unknown>) => {
      c.apps.action(view, blockId, actionId, chosen, valuesRef.current).catch((e) => setFailure(failureText(e)));
    },
    [c, view],
  );

  const suggest = useCallback((blockId: string, actionId: string, typed: string) => c.apps.suggest(view, blockId, actionId, typed), [c, view]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const form = e.currentTarget as HTMLFormElement;
    const local = validate(view.blocks, values);
    setFailure("");
    if (Object.keys(local).length) {
      setErrors(local);
      form.querySelector<HTMLElement>(`[data-block-id="${CSS.escape(Object.keys(local)[0])}"] input, [data-block-id="${CSS.escape(Object.keys(local)[0])}"] textarea, [data-block-id="${CSS.escape(Object.keys(local)[0])}"] select`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = await c.apps.submit(view, values);
      if (result.errors) {
        const known = Object.fromEntries(Object.entries(result.errors).filter(([, v]) => typeof v === "string"));
        setErrors(known);
        if (!Object.keys(known).length) setFailure("The app could not accept this form.");
      }
    } catch (err) {
      setFailure(failureText(err));
    } finally {
      setBusy(false);
    }
  };

  const title = textOf(view.title, "App");
  const hasSubmit = !!view.submit || view.blocks.some((b) => b.type === "input");
  return (
    // Focus goes to the first field when a view appears (each view is keyed by its id);
    // AppModals gives focus back when the last one of a stack goes.
    <Modal
      title={<TextView text={view.title} />}
      onClose={close}
      className="app-modal"
      backdropClassName="app-modal-backdrop"
      headerClassName="app-modal-header"
      headerBefore={depth > 1 && <span className="muted small app-modal-depth">{depth} of {depth}</span>}
      closeLabel={`Close ${title}`}
      initialFocus={[".bk input, .bk textarea, .bk select, .bk button", FOCUSABLE]}
      closeOnBackdrop={false}
      restoreFocus={false}
      onSubmit={submit}
      data={{ "data-view-id": view.id }}
    >
      <div className="app-modal-body">
        <BlockKit blocks={view.blocks} values={values} errors={errors} onChange={onChange} onAction={onAction} suggest={suggest} />
      </div>
      {failure && (
        <p className="form-error" role="alert">
          {failure}
        </p>
      )}
      <footer className="modal-actions app-modal-actions">
        <button type="button" className="button button-secondary" onClick={close}>
          {textOf(view.close, "Cancel")}
        </button>
        {hasSubmit && (
          <button type="submit" className="button button-primary" disabled={busy || !!view.submit_disabled}>
            {busy ? "Sending…" : textOf(view.submit, "Submit")}
          </button>
        )}
      </footer>
    </Modal>
  );
}

/** The modal on top of this person's stacks (at most 3 deep); mounted only while one is open. */
export default function AppModals() {
  const state = useApps((s) => s);
  const view = topModal(state);
  const previous = useRef<HTMLElement | null>(null);
  const saved = useRef(new Map<string, StateValues>());
  useEffect(() => {
    if (view && !previous.current) previous.current = document.activeElement as HTMLElement | null;
    if (!view && previous.current) {
      previous.current.focus?.();
      previous.current = null;
    }
  }, [view]);
  for (const id of saved.current.keys()) if (!state.views[id]) saved.current.delete(id);
  if (!view) return null;
  return <AppModal key={view.id} view={view} depth={stackDepth(state, view)} saved={saved.current} />;
}
