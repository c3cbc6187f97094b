// Custom emoji: the workspace's list with search; upload an image under a name (with a
// preview), add another name for an emoji (alias), remove. Every change reaches everyone's
// picker live through `emoji_changed`.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { ApiError, CSRF_COOKIE, readCookie, type ApiClient } from "../api/client";
import { errorText } from "../components/Dialogs";
import { Emoji } from "../components/Emoji";
import { safeImage } from "../lib/names";

const EMOJI_ERRORS: Record<string, string> = {
  error_name_taken: "There is already a custom emoji with that name.",
  error_name_taken_i18n: "That name belongs to a standard emoji.",
  error_missing_name: "Give the emoji a name.",
  error_lower_case_names_only: "Names are lower case only.",
  error_bad_name_i18n: "Names may have only lower-case letters, digits, - _ + and '.",
  error_bad_name_length: "Names are at most 100 characters.",
  error_invalid_alias: "There is no emoji with that name to alias.",
  no_alias_selected: "Choose the emoji to alias.",
  bad_image: "That file could not be read as an image. Try a PNG, GIF or JPEG.",
  too_large: "That image is too large.",
  too_many_frames: "That animation has too many frames.",
  not_an_admin: "Only admins and owners can change custom emoji.",
};

function emojiError(e: unknown): string {
  return e instanceof ApiError ? (EMOJI_ERRORS[e.error] ?? errorText(e)) : errorText(e);
}

async function uploadEmoji(name: string, image: File): Promise<void> {
  const form = new FormData();
  form.append("name", name);
  form.append("image", image, image.name);
  const response = await fetch("/api/admin.emoji.upload", {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-Parley-CSRF": readCookie(document.cookie, CSRF_COOKIE) },
    body: form,
  });
  const body = (await response.json()) as { ok?: boolean; error?: string };
  if (!body.ok) throw new ApiError(body.error ?? "unknown_error", body);
}

/** What a file input gives, shown before it is sent. */
function usePreview(file: File | null): string {
  const [url, setUrl] = useState("");
  useEffect(() => {
    if (!file) return setUrl("");
    const objectUrl = URL.createObjectURL(file);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file]);
  return url;
}

const cleanName = (raw: string) => raw.trim().replace(/^:|:$/g, "");

export function CustomEmoji({ api }: { api: ApiClient }) {
  const [list, setList] = useState<Record<string, string> | null>(null);
  const [query, setQuery] = useState("");
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [fileKey, setFileKey] = useState(0);
  const [alias, setAlias] = useState("");
  const [aliasFor, setAliasFor] = useState("");
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const preview = usePreview(file);

  const load = useCallback(
    () =>
      api.call("emoji.list").then(
        (body) => setList(body.emoji ?? {}),
        (e) => setError(emojiError(e)),
      ),
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const act = (work: Promise<unknown>, done: string, reset: () => void) =>
    work.then(
      () => {
        reset();
        setError("");
        setStatus(done);
        void load();
      },
      (e) => {
        setStatus("");
        setError(emojiError(e));
      },
    );

  const q = query.trim().toLowerCase().replace(/:/g, "");
  const shown = Object.entries(list ?? {}).filter(([n]) => n.includes(q));

  return (
    <section aria-labelledby="emoji-title">
      <h2 id="emoji-title">Custom emoji</h2>
      <p role="status" className="admin-status">{status}</p>
      {error && <p className="form-error" role="alert">{error}</p>}
      <form
        className="admin-card form"
        aria-label="Upload emoji"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (!file) return setError("Choose an image.");
          const n = cleanName(name);
          void act(uploadEmoji(n, file), `:${n}: was added.`, () => {
            setName("");
            setFile(null);
            setFileKey((k) => k + 1);
          });
        }}
      >
        <h3>Upload an emoji</h3>
        <div className="admin-icon-row">
          {preview ? <img className="emoji-admin-preview" src={preview} alt="Preview of the new emoji" /> : <div className="emoji-admin-preview" aria-hidden="true" />}
          <label className="field">
            <span>Image (PNG, GIF or JPEG; shown at most 128×128)</span>
            <input key={fileKey} className="input" type="file" name="emoji_image" accept="image/png,image/jpeg,image/gif,image/webp" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </label>
        </div>
        <label className="field">
          <span>Name (typed as :name:)</span>
          <input className="input" name="emoji_name" value={name} onChange={(e) => setName(e.target.value)} maxLength={102} required pattern="[a-z0-9_+'\-:]+" />
        </label>
        <div className="admin-actions">
          <button type="submit" className="button button-primary">
            Save emoji
          </button>
        </div>
      </form>
      <form
        className="admin-card form"
        aria-label="Add alias"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const n = cleanName(alias);
          void act(api.call("admin.emoji.addAlias", { name: n, alias_for: cleanName(aliasFor) }), `:${n}: was added.`, () => {
            setAlias("");
            setAliasFor("");
          });
        }}
      >
        <h3>Add an alias</h3>
        <div className="emoji-admin-alias">
          <label className="field">
            <span>New name</span>
            <input className="input" name="alias_name" value={alias} onChange={(e) => setAlias(e.target.value)} maxLength={102} required />
          </label>
          <label className="field">
            <span>For the emoji</span>
            <input className="input" name="alias_for" value={aliasFor} onChange={(e) => setAliasFor(e.target.value)} maxLength={102} required placeholder="e.g. thumbsup" />
          </label>
        </div>
        <div className="admin-actions">
          <button type="submit" className="button button-primary">
            Add alias
          </button>
        </div>
      </form>
      <label className="field admin-search">
        <span>Search custom emoji</span>
        <input className="input" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Name" />
      </label>
      {list === null ? (
        <p className="muted">Loading emoji…</p>
      ) : (
        <ul className="admin-list" aria-label="Custom emoji">
          {shown.map(([n, value]) => (
            <li key={n} className="admin-row" data-emoji={n}>
              <div className="admin-who">
                {value.startsWith("alias:") ? <Emoji name={value.slice(6)} /> : <img className="emoji emoji-img" src={safeImage(value) ?? ""} alt="" />}
                <strong>:{n}:</strong>
                {value.startsWith("alias:") && <span className="muted small">alias of :{value.slice(6)}:</span>}
              </div>
              <button type="button" className="button button-danger button-small" aria-label={`Remove :${n}:`} onClick={() => void act(api.call("admin.emoji.remove", { name: n }), `:${n}: was removed.`, () => {})}>
                Remove
              </button>
            </li>
          ))}
          {shown.length === 0 && <li className="muted">{q ? `No custom emoji matches “${query}”.` : "No custom emoji yet."}</li>}
        </ul>
      )}
    </section>
  );
}
