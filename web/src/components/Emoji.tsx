import { useAppState } from "../app/context";
import { emojiGlyph } from "../lib/emoji";
import { safeImage } from "../lib/names";

export function Emoji({ name }: { name: string }) {
  const custom = useAppState((s) => s.customEmoji);
  const glyph = emojiGlyph(name, custom);
  if (glyph.kind === "unicode") return <span className="emoji">{glyph.char}</span>;
  const url = glyph.kind === "image" ? safeImage(glyph.url) : undefined;
  if (url) return <img className="emoji emoji-img" src={url} alt={`:${name}:`} />;
  return <span className="emoji emoji-text">:{name}:</span>;
}
