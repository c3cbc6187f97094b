import { useEffect, useMemo, useRef, useState } from "react";
import { useAppState } from "../app/context";
import { EMOJI, EMOJI_NAMES, searchEmoji } from "../lib/emoji";
import { Emoji } from "./Emoji";
import { Popover } from "./Popover";

const FREQUENT = ["+1", "heart", "joy", "tada", "eyes", "white_check_mark", "fire", "pray", "raised_hands", "100", "rocket", "thinking_face"];

/** A searchable grid of emoji; Esc or a click outside closes it. */
export function EmojiPicker({ onPick, onClose, label = "Add reaction" }: { onPick: (name: string) => void; onClose: () => void; label?: string }) {
  const custom = useAppState((s) => s.customEmoji);
  const [query, setQuery] = useState("");
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
    if (!q) return [...FREQUENT, ...all.filter((n) => !FREQUENT.includes(n))];
    return searchEmoji(q, custom, 240);
  }, [custom, query]);

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
              onPick(names[0]);
            }
          }}
        />
        <div className="emoji-grid" role="group" aria-label="Emoji">
          {names.slice(0, 240).map((name) => (
            <button key={name} type="button" className="emoji-cell" title={`:${name}:`} aria-label={`:${name}:`} onClick={() => onPick(name)}>
              <Emoji name={name} />
            </button>
          ))}
          {names.length === 0 && <p className="muted small">No emoji match “{query}”.</p>}
        </div>
        <p className="muted small emoji-count">{EMOJI.size + Object.keys(custom).length} emoji</p>
      </div>
    </Popover>
  );
}
