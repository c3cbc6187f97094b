// The one focus trap of every modal dialog (our dialogs, apps' views, the file lightbox).
// Listens on the document, not on the dialog: once focus had escaped the dialog (the focused
// element removed, a click on the page behind), a listener on the dialog heard neither Tab
// nor Escape, so Tab wandered through the page and Escape stopped closing it. Traps stack:
// only the top one (the last opened) acts.
import { type RefObject, useEffect, useRef } from "react";

export const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface FocusTrapOptions {
  /** Escape pressed while this trap is on top. */
  onEscape: () => void;
  /** Selectors tried in order for the element focused on open (else the container). */
  initialFocus?: string[];
  /** Give focus back to what had it when the trap ends (default true). */
  restoreFocus?: boolean;
}

const stack: HTMLElement[] = [];

/** The visible, focusable elements inside `box`, in document order. */
export function focusableIn(box: HTMLElement): HTMLElement[] {
  return Array.from(box.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/** Where Tab (or Shift+Tab) goes from `active` inside a trap over `items`, or null to let
 * the browser move on (focus stays inside without help). */
export function nextInTrap(items: HTMLElement[], active: Element | null, box: HTMLElement, backwards: boolean): HTMLElement | null {
  if (!items.length) return box;
  const first = items[0];
  const last = items[items.length - 1];
  const inside = !!active && box.contains(active);
  if (!inside) return backwards ? last : first;
  if (backwards && (active === first || active === box)) return last;
  if (!backwards && active === last) return first;
  return null;
}

export function useFocusTrap(box: RefObject<HTMLElement | null>, options: FocusTrapOptions): void {
  const latest = useRef(options);
  latest.current = options;
  const { restoreFocus = true } = options;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const previous = document.activeElement as HTMLElement | null;
    stack.push(el);
    const onTop = () => stack[stack.length - 1] === el;

    let first: HTMLElement | null = null;
    for (const selector of latest.current.initialFocus ?? []) {
      first = el.querySelector<HTMLElement>(selector);
      if (first) break;
    }
    (first ?? el).focus({ preventScroll: true });

    const onKeyDown = (e: KeyboardEvent) => {
      if (!onTop() || e.defaultPrevented) return;
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        latest.current.onEscape();
        return;
      }
      if (e.key !== "Tab") return;
      const target = nextInTrap(focusableIn(el), document.activeElement, el, e.shiftKey);
      if (target) {
        e.preventDefault();
        target.focus();
      }
    };
    // Focus that lands outside (a click on the page behind) is brought back in.
    const onFocusIn = (e: FocusEvent) => {
      if (!onTop() || el.contains(e.target as Node)) return;
      (focusableIn(el)[0] ?? el).focus({ preventScroll: true });
    };
    document.addEventListener("keydown", onKeyDown);
    document.addEventListener("focusin", onFocusIn);
    return () => {
      document.removeEventListener("keydown", onKeyDown);
      document.removeEventListener("focusin", onFocusIn);
      stack.splice(stack.indexOf(el), 1);
      if (restoreFocus) previous?.focus?.({ preventScroll: true });
    };
  }, [box, restoreFocus]);
}
