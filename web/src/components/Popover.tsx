// A popover (picker, menu) drawn in a layer above the app and placed within the viewport
// next to the wrapper it is declared in (see lib/popover.ts). Drawn in place, a popover
// inside the message list was clipped by the list (it contains its paint) and, when it took
// focus, scrolled the panes sideways.
import { type ReactNode, type RefObject, useCallback, useLayoutEffect, useRef } from "react";
import { createPortal } from "react-dom";
import { type PlacementOptions, registerPopover, usePopoverPlacement } from "../lib/popover";

interface Props extends PlacementOptions {
  /** The popover element's ref: the element in `children` that gets placed. */
  popover: RefObject<HTMLElement | null>;
  children: ReactNode;
}

export function Popover({ popover, children, side, align, gap, margin }: Props) {
  const marker = useRef<HTMLSpanElement>(null);
  // The anchor is the element this popover is declared in (the button's wrapper).
  const anchor = useCallback(() => marker.current?.parentElement ?? null, []);
  usePopoverPlacement(popover, { side, align, gap, margin, anchor });
  useLayoutEffect(() => {
    if (popover.current && marker.current) return registerPopover(popover.current, marker.current);
  }, [popover]);
  return (
    <>
      <span ref={marker} hidden />
      {createPortal(children, document.body)}
    </>
  );
}
