// Popovers (pickers, menus) placed within the viewport. A popover rendered inside a narrow
// or scrolling pane, positioned `absolute` against its button, used to overflow the window
// (clipped on the right or the bottom) and, when it took focus, to scroll the whole app
// sideways. Placed here instead as `position: fixed` at coordinates computed from its
// anchor's rectangle and clamped into the viewport, it can neither be clipped by an
// ancestor's `overflow` nor make anything scroll.
import { type RefObject, useLayoutEffect } from "react";

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Placement {
  left: number;
  top: number;
  /** Set when the popover is taller than the room on either side: scroll inside. */
  maxHeight?: number;
}

export interface PlacementOptions {
  /** Open above the anchor or below it; by default above when the anchor is (inside) a
   * `.picker-up` (the composer's buttons), else below. */
  side?: "above" | "below";
  /** Line the popover's left edge up with the anchor's ("start") or its right edge ("end"). */
  align?: "start" | "end";
  /** Space between the anchor and the popover, and kept free at the window's edges. */
  gap?: number;
  margin?: number;
}

/** Where a popover of `size` goes next to `anchor` in a `viewport`: on the preferred side
 * when it fits there, else on the side with more room; always inside the viewport. */
export function placePopover(anchor: Rect, size: { width: number; height: number }, viewport: { width: number; height: number }, options: PlacementOptions = {}): Placement {
  const { side = "below", align = "end", gap = 4, margin = 8 } = options;
  const roomAbove = anchor.top - gap - margin;
  const roomBelow = viewport.height - (anchor.top + anchor.height) - gap - margin;
  const fitsPreferred = side === "above" ? size.height <= roomAbove : size.height <= roomBelow;
  const above = fitsPreferred ? side === "above" : roomAbove > roomBelow;
  const room = Math.max(0, above ? roomAbove : roomBelow);
  const height = Math.min(size.height, room);
  let top = above ? anchor.top - gap - height : anchor.top + anchor.height + gap;
  top = clamp(top, margin, viewport.height - margin - height);

  const width = Math.min(size.width, viewport.width - 2 * margin);
  const preferredLeft = align === "start" ? anchor.left : anchor.left + anchor.width - width;
  const left = clamp(preferredLeft, margin, viewport.width - margin - width);
  return height < size.height ? { left, top, maxHeight: height } : { left, top };
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, Math.max(low, high)));
}

/** Keeps the popover in `ref` placed next to its anchor (by default its parent element, the
 * button's wrapper) while it is open: on mount, on resize, and when anything scrolls. */
export function usePopoverPlacement(ref: RefObject<HTMLElement | null>, options: PlacementOptions & { anchor?: () => Element | null } = {}): void {
  const { side, align, gap, margin, anchor } = options;
  useLayoutEffect(() => {
    const popover = ref.current;
    if (!popover) return;
    const place = () => {
      const target = anchor ? anchor() : popover.parentElement;
      if (!target) return;
      // Measured at its natural size: the previous placement's limits are lifted first.
      Object.assign(popover.style, { position: "fixed", right: "auto", bottom: "auto", maxHeight: "", overflowY: "" });
      const own = popover.getBoundingClientRect();
      const at = target.getBoundingClientRect();
      const viewport = { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight };
      const preferred = side ?? (target.closest(".picker-up") ? "above" : "below");
      const p = placePopover(at, { width: own.width, height: own.height }, viewport, { side: preferred, align, gap, margin });
      Object.assign(popover.style, { left: `${p.left}px`, top: `${p.top}px`, maxWidth: `${viewport.width - 2 * (margin ?? 8)}px` });
      if (p.maxHeight !== undefined) Object.assign(popover.style, { maxHeight: `${p.maxHeight}px`, overflowY: "auto" });
    };
    place();
    // Its content can change size (an emoji search, a menu that finished loading).
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => requestAnimationFrame(place));
    observer?.observe(popover);
    window.addEventListener("resize", place);
    // Capture: a scroll of any pane moves the anchor.
    window.addEventListener("scroll", place, true);
    return () => {
      observer?.disconnect();
      window.removeEventListener("resize", place);
      window.removeEventListener("scroll", place, true);
    };
  }, [ref, side, align, gap, margin, anchor]);
}

// Popovers drawn in a layer of their own are, in the DOM, outside the element that opened
// them; `containsWithPopovers` still counts them in (focus moving from a message into its
// reaction picker has not left the message).
const owners = new Map<Element, Element>();

/** Records that the popover `element` belongs where `marker` sits; returns the undo. */
export function registerPopover(element: Element, marker: Element): () => void {
  owners.set(element, marker);
  return () => {
    if (owners.get(element) === marker) owners.delete(element);
  };
}

/** `root.contains(node)`, counting the popovers opened from inside `root` (and theirs). */
export function containsWithPopovers(root: Element, node: Node | null): boolean {
  for (let hops = 0; node && hops < 8; hops++) {
    if (root.contains(node)) return true;
    let owner: Element | undefined;
    for (const [element, marker] of owners) {
      if (element.contains(node)) owner = marker;
    }
    node = owner ?? null;
  }
  return false;
}
