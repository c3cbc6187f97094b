import type { User } from "../api/types";
import { avatarColor, displayName, initials, safeImage } from "../lib/names";

export function Avatar({ user, id, size = 36, presence }: { user?: User; id: string; size?: number; presence?: string }) {
  const name = displayName(user, id);
  const image = safeImage(user?.profile?.image_48);
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.4, background: image ? undefined : avatarColor(id) }} aria-hidden="true">
      {image ? <img src={image} alt="" width={size} height={size} /> : initials(name)}
      {presence !== undefined && <PresenceDot presence={presence} />}
    </span>
  );
}

export function PresenceDot({ presence }: { presence?: string }) {
  const active = presence === "active";
  return <span className={`presence ${active ? "presence-active" : "presence-away"}`} title={active ? "Active" : "Away"} />;
}
