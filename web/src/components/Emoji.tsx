import { useEffect, useState } from "react";
import { useAppState } from "../app/context";
import { emojiGlyph } from "../lib/emoji";
import { loadFullEmoji } from "../lib/emojiFull";
import { safeImage } from "../lib/names";

export function Emoji({ name }: { name: string }) {
  const custom = useAppState((s) => s.customEmoji);
  const [, setFullLoaded] = useState(false);
  const glyph = emojiGlyph(name, custom);
  // A name outside the compact set (a flag, say): load the full set, then show it.
  const unknown = glyph.kind === "unknown";
  useEffect(() => {
    if (!unknown) return;
    let live = true;
    loadFullEmoji().then(
      () => live && setFullLoaded(true),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [unknown]);
  if (glyph.kind === "unicode") return <span className="emoji">{glyph.char}</span>;
  const url = glyph.kind === "image" ? safeImage(glyph.url) : undefined;
  if (url) return <img className="emoji emoji-img" src={url} alt={`:${name}:`} />;
  return <span className="emoji emoji-text">:{name}:</span>;
}
