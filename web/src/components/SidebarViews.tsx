// The sidebar's list of views (Threads, Activity, …): each is a route
// `/client/<team>/<view>`, shown by the lazily loaded `Views.tsx`.
import { useAppState } from "../app/context";
import { clientPath, navigate } from "../lib/router";
import { Icon } from "./Icons";

export const VIEWS = {
  threads: "Threads",
  activity: "Activity",
  unreads: "All unreads",
  saved: "Saved for later",
  drafts: "Drafts & sent",
  notifications: "Notifications",
} as const;
export type ViewName = keyof typeof VIEWS;

export function isViewName(name: string | null | undefined): name is ViewName {
  return !!name && Object.prototype.hasOwnProperty.call(VIEWS, name);
}

export function SidebarViews({ active, onNavigate }: { active: string | null; onNavigate: () => void }) {
  const teamId = useAppState((s) => s.team?.id ?? "");
  return (
    <ul className="side-views" aria-label="Views">
      {(Object.keys(VIEWS) as ViewName[]).map((name) => {
        const href = clientPath(teamId, name);
        return (
          <li key={name}>
            <a
              href={href}
              className={`side-item ${active === name ? "side-item-active" : ""}`}
              aria-current={active === name ? "page" : undefined}
              data-view={name}
              onClick={(e) => {
                e.preventDefault();
                navigate(href);
                onNavigate();
              }}
            >
              <span className="side-icon">
                <Icon name={ICONS[name]} size={16} />
              </span>
              <span className="side-name">{VIEWS[name]}</span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}

const ICONS = { threads: "thread", activity: "bell", unreads: "list", saved: "pin", drafts: "edit", notifications: "moon" } as const;

