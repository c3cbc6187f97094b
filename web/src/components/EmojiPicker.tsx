import { useEffect, useMemo, useRef, useState } from "react";
import { useAppState } from "../app/context";
import { EMOJI, searchEmoji, takesSkinTone } from "../lib/emoji";
import { loadFullEmoji, type EmojiSet } from "../lib/emojiFull";
import { EmojiPrefs } from "../lib/emojiPrefs";
import { navigate } from "../lib/router";
import { Emoji } from "./Emoji";
import { Popover } from "./Popover";
import "./EmojiPicker.css";

const FREQUENT = ["+1", "heart", "joy", "tada", "eyes", "white_check_mark", "fire", "pray", "raised_hands", "100", "rocket", "thinking_face"];
const TONE_KEY = "parley.emojiSkinTone";
const TONES = [
  { tone: 1, label: "Default skin tone", sample: "✋" },
  { tone: 2, label: "Light skin tone", sample: "✋🏻" },
  { tone: 3, label: "Medium-light skin tone", sample: "✋🏼" },
  { tone: 4, label: "Medium skin tone", sample: "✋🏽" },
  { tone: 5, label: "Medium-dark skin tone", sample: "✋🏾" },
  { tone: 6, label: "Dark skin tone", sample: "✋🏿" },
];

function savedTone(): number {
  const tone = Number(globalThis.localStorage?.getItem(TONE_KEY) ?? 1);
  return tone >= 2 && tone <= 6 ? tone : 1;
}

/** The name to send: Slack writes a toned emoji as `name::skin-tone-N`. */
export function tonedName(name: string, tone: number): string {
  return tone >= 2 && takesSkinTone(name) ? `${name}::skin-tone-${tone}` : name;
}

/** A searchable grid of emoji by category, with a skin tone; Esc or a click outside closes it. */
export function EmojiPicker({ onPick, onClose, label = "Add reaction" }: { onPick: (name: string) => void; onClose: () => void; label?: string }) {
  const custom = useAppState((s) => s.customEmoji);
  const isAdmin = useAppState((s) => (s.self ? !!s.users[s.self.userId]?.is_admin : false));
  const selfId = useAppState((s) => s.self?.userId ?? "");
  // Recently used first (per person, in this browser), then the usual favourites.
  const prefs = useMemo(() => new EmojiPrefs(selfId), [selfId]);
  const [query, setQuery] = useState("");
  const [full, setFull] = useState<EmojiSet | null>(null);
  const [category, setCategory] = useState("frequent");
  const [tone, setTone] = useState(savedTone);
  const box = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    // Placed inside the window already: focusing must not scroll any pane.
    input.current?.focus({ preventScroll: true });
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose();
    };
    document.addEventListener("mousedown", outside);
    return () => document.removeEventListener("mousedown", outside);
  }, [onClose]);

  useEffect(() => {
    let live = true;
    loadFullEmoji().then((set) => live && setFull(set), () => {});
    return () => {
      live = false;
    };
  }, []);

  const categories = useMemo(() => {
    const tabs = [{ id: "frequent", label: "Recently used", icon: "clock" }];
    if (Object.keys(custom).length) tabs.push({ id: "custom", label: "Custom", icon: "custom" });
    for (const c of full?.categories ?? []) tabs.push({ id: c.id, label: c.label, icon: c.id });
    return tabs;
  }, [custom, full]);

  const names = useMemo(() => {
    const q = query.trim().toLowerCase().replace(/:/g, "");
    if (q) return searchEmoji(q, custom, 240);
    if (category === "custom") return Object.keys(custom);
    if (category !== "frequent" && full) return full.emoji.filter((e) => e.category === category).map((e) => e.name);
    const recent = prefs.recent();
    return [...recent, ...FREQUENT.filter((name) => !recent.includes(name))];
    // `full` also changes what searchEmoji finds (keywords), hence the dependency.
  }, [custom, query, category, full, prefs]);

  const pick = (name: string) => {
    prefs.used(name);
    onPick(tonedName(name, tone));
  };
  const chooseTone = (value: number) => {
    setTone(value);
    globalThis.localStorage?.setItem(TONE_KEY, String(value));
  };

  return (
    <Popover popover={box}>
      <div
        className="emoji-picker"
        role="dialog"
        aria-label={label}
        ref={box}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <div className="emoji-picker-top">
          <input
            ref={input}
            className="input"
            placeholder="Search emoji"
            aria-label="Search emoji"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && names[0]) {
                e.preventDefault();
                pick(names[0]);
              }
            }}
          />
          <select className="emoji-tone" aria-label="Skin tone" value={tone} onChange={(e) => chooseTone(Number(e.target.value))}>
            {TONES.map((t) => (
              <option key={t.tone} value={t.tone} title={t.label}>
                {t.sample} {t.label}
              </option>
            ))}
          </select>
        </div>
        {!query.trim() && (
          <div className="emoji-tabs" role="group" aria-label="Emoji categories">
            {categories.map((c) => (
              <button key={c.id} type="button" className="emoji-tab" aria-pressed={c.id === category} title={c.label} onClick={() => setCategory(c.id)}>
                {c.label}
              </button>
            ))}
          </div>
        )}
        <div className="emoji-grid" role="group" aria-label="Emoji">
          {names.slice(0, 600).map((name) => (
            <button key={name} type="button" className="emoji-cell" title={`:${name}:`} aria-label={`:${name}:`} onClick={() => pick(name)}>
              <Emoji name={tonedName(name, tone)} />
            </button>
          ))}
          {names.length === 0 && <p className="muted small">No emoji match “{query}”.</p>}
        </div>
        <p className="muted small emoji-count">
          {(full ? full.emoji.length : EMOJI.size) + Object.keys(custom).length} emoji
          {isAdmin && (
            <>
              {" · "}
              <a
                href="/admin/emoji"
                onClick={(e) => {
                  e.preventDefault();
                  onClose();
                  navigate("/admin/emoji");
                }}
              >
                Add emoji
              </a>
            </>
          )}
        </p>
      </div>
    </Popover>
  );
}
