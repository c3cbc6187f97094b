import { useEffect, useMemo, useRef, useState } from "react";
import { useAppState } from "../app/context";
import { EMOJI, EMOJI_NAMES, searchEmoji } from "../lib/emoji";
import { EmojiPrefs, SKIN_TONES, withTone } from "../lib/emojiPrefs";
import { Emoji } from "./Emoji";
import { Popover } from "./Popover";

const FREQUENT = ["+1", "heart", "joy", "tada", "eyes", "white_check_mark", "fire", "pray", "raised_hands", "100", "rocket", "thinking_face"];

/** A searchable grid of emoji; Esc or a click outside closes it. */
export function EmojiPicker({ onPick, onClose, label = "Add reaction" }: { onPick: (name: string) => void; onClose: () => void; label?: string }) {
  const custom = useAppState((s) => s.customEmoji);
  const person = useAppState((s) => `${s.self?.teamId ?? ""}:${s.self?.userId ?? ""}`);
  const prefs = useMemo(() => new EmojiPrefs(person), [person]);
  const [tone, setTone] = useState(() => prefs.tone);
  const [recent] = useState(() => prefs.recent());
  const [query, setQuery] = useState("");
  const pick = (name: string) => {
    prefs.used(name);
    onPick(withTone(name, tone));
  };
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

  const names = useMemo(() => {
    const all = [...Object.keys(custom), ...EMOJI_NAMES];
    const q = query.trim().toLowerCase().replace(/:/g, "");
    if (!q) {
      const first = [...new Set([...recent, ...FREQUENT])];
      return [...first, ...all.filter((n) => !first.includes(n))];
    }
    return searchEmoji(q, custom, 240);
  }, [custom, query, recent]);

  return (
    <Popover popover={box}>
      <div
        className="emoji-picker"
        role="dialog"
        aria-label={label}
        ref={box}
        onKeyDown={(e) => {
          if (e.key === "Enter" && names[0]) {
            e.preventDefault();
            pick(names[0]);
          }
        }}
      />
      <div className="emoji-grid" role="group" aria-label="Emoji">
        {names.slice(0, 240).map((name) => (
          <button key={name} type="button" className="emoji-cell" title={`:${name}:`} aria-label={`:${name}:`} onClick={() => pick(name)}>
            <Emoji name={withTone(name, tone)} />
          </button>
        ))}
        {names.length === 0 && <p className="muted small">No emoji match “{query}”.</p>}
      </div>
      <div className="emoji-tones" role="radiogroup" aria-label="Skin tone">
        {SKIN_TONES.map((t) => (
          <button key={t.tone} type="button" role="radio" aria-checked={tone === t.tone} aria-label={t.label} title={t.label} className={`emoji-tone ${tone === t.tone ? "emoji-tone-on" : ""}`} onClick={() => {
            prefs.tone = t.tone;
            setTone(t.tone);
          }}>
            {t.sample}
          </button>
        ))}
      </div>
      {!query.trim() && recent.length > 0 && <p className="visually-hidden">Recently used emoji come first.</p>}
      <p className="muted small emoji-count">{EMOJI.size + Object.keys(custom).length} emoji</p>
    </div>
  );
}
