import { useEffect, useRef, useState } from "react";

/** Inline editor for a sent message: Enter saves, Shift+Enter adds a line, Esc cancels. */
export function EditBox({ initial, onSave, onCancel }: { initial: string; onSave: (text: string) => void; onCancel: () => void }) {
  const [text, setText] = useState(initial);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  return (
    <div className="edit-box">
      <textarea
        ref={area}
        className="input edit-input"
        aria-label="Edit message"
        value={text}
        rows={Math.min(8, text.split("\n").length + 1)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            onSave(text);
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      <div className="edit-buttons">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={() => onSave(text)}>
          Save
        </button>
      </div>
    </div>
  );
}
