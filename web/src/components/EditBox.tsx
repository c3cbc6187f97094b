import { useEffect, useRef, useState } from "react";
import type { Message } from "../api/types";
import { MESSAGE_TEXT_LIMIT, characterCount } from "../lib/limits";
import { blocksToDoc, docToBlocks, docToMrkdwn, findRichText, isEmptyDoc, type RichTextBlock } from "../lib/richtext";
import { caretInMultilineBlock, RichEditor, type RichEditorHandle } from "./RichEditor";

/** What the editor opens with: the message's rich_text when it has one, else its mrkdwn. */
export function editableMrkdwn(message: Message): string {
  const rich = findRichText(message.blocks);
  return rich ? docToMrkdwn(blocksToDoc(rich)) : (message.text ?? "");
}

export interface EditResult {
  text: string;
  blocks: RichTextBlock[];
}

/** Inline editor for a sent message (the composer's editor): Enter saves, Esc cancels. */
export function EditBox({ message, onSave, onCancel }: { message: Message; onSave: (result: EditResult | null) => void; onCancel: () => void }) {
  const editor = useRef<RichEditorHandle>(null);
  const [tooLong, setTooLong] = useState(false);
  const initial = editableMrkdwn(message);
  useEffect(() => {
    editor.current?.focus();
  }, []);
  const save = () => {
    const ed = editor.current;
    if (!ed) return;
    const doc = ed.doc();
    const text = docToMrkdwn(doc);
    if (characterCount(text) > MESSAGE_TEXT_LIMIT) {
      setTooLong(true);
      return;
    }
    // Unchanged or emptied: nothing to save (deleting is its own action).
    onSave(isEmptyDoc(doc) || text === initial ? null : { text, blocks: [docToBlocks(doc)] });
  };
  return (
    <div className="edit-box">
      <RichEditor
        ref={editor}
        className="edit-input"
        label="Edit message"
        placeholder="Edit message"
        initial={initial}
        onInput={() => setTooLong(false)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing && (e.ctrlKey || e.metaKey || !caretInMultilineBlock(editor.current?.element() ?? null))) {
            e.preventDefault();
            save();
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          }
        }}
      />
      {tooLong && (
        <p className="slash-error" role="alert">
          This message is too long: the limit is {MESSAGE_TEXT_LIMIT.toLocaleString()} characters.
        </p>
      )}
      <div className="edit-buttons">
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="button button-primary" onClick={save}>
          Save
        </button>
      </div>
    </div>
  );
}
