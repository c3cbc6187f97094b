// A small virtualised list for chat: variable row heights measured as they render, bottom
// anchored (new messages keep you at the bottom), and the first visible row held in place
// when rows are added above it (loading older history) or change height.
import { type ReactNode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";

const OVERSCAN_PX = 600;
const TOP_THRESHOLD_PX = 800;

export interface ListRow {
  key: string;
}

interface Props<R extends ListRow> {
  rows: readonly R[];
  estimate: (row: R) => number;
  render: (row: R) => ReactNode;
  /** Called when the top is near (load older history). */
  onNearTop?: () => void;
  /** Called when the bottom comes into view or leaves it. */
  onBottom?: (atBottom: boolean) => void;
  /** Scroll a row into view (the `seq` lets the same key be asked for twice). */
  jump?: { key: string; seq: number } | null;
  label: string;
  className?: string;
  /** Stays scrolled to the bottom when it was at the bottom (chat); rises from the bottom when short. */
  bottomAligned?: boolean;
}

/** First index i with offsets[i + 1] > y (the row containing y). */
function rowAt(offsets: Float64Array, y: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  if (hi < 0) return 0;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function VirtualList<R extends ListRow>({ rows, estimate, render, onNearTop, onBottom, jump, label, className, bottomAligned = true }: Props<R>) {
  const scroller = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [, setTick] = useState(0);
  const scrollTop = useRef(0);
  const atBottom = useRef(true);
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const renderedRange = useRef<[number, number]>([0, 0]);
  const rowElements = useRef(new Map<string, HTMLElement>());

  // Row key → index changes only with the rows; offsets also change when a height is measured,
  // and are then recomputed only from the first row whose height changed.
  const index = useMemo(() => {
    const idx = new Map<string, number>();
    for (let i = 0; i < rows.length; i++) idx.set(rows[i].key, i);
    return idx;
  }, [rows]);
  const layout = useRef<{ rows: readonly R[]; offsets: Float64Array } | null>(null);
  const dirtyFrom = useRef(0);
  const offsets = useMemo(() => {
    const previous = layout.current;
    const o = previous && previous.rows === rows ? previous.offsets : new Float64Array(rows.length + 1);
    const from = previous && previous.rows === rows ? Math.min(dirtyFrom.current, rows.length) : 0;
    for (let i = from; i < rows.length; i++) {
      const r = rows[i];
      o[i + 1] = o[i] + (heights.current.get(r.key) ?? estimate(r));
    }
    dirtyFrom.current = rows.length;
    layout.current = { rows, offsets: o };
    // A new array each time so that effects depending on it run.
    return o.slice();
    // `version` changes when a measured height changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, version, estimate]);

  /** Records a measured height; returns whether it changed. */
  const setHeight = (key: string, h: number): boolean => {
    if (h <= 0 || heights.current.get(key) === h) return false;
    heights.current.set(key, h);
    const i = index.get(key);
    if (i !== undefined && i < dirtyFrom.current) dirtyFrom.current = i;
    return true;
  };

  const total = offsets[rows.length];
  const pad = bottomAligned ? Math.max(0, viewport - total) : 0;

  const rangeFor = useCallback(
    (top: number): [number, number] => {
      const start = rowAt(offsets, Math.max(0, top - pad - OVERSCAN_PX));
      const end = Math.min(rows.length, rowAt(offsets, top - pad + viewport + OVERSCAN_PX) + 1);
      return [start, end];
    },
    [offsets, pad, rows.length, viewport],
  );

  const [start, end] = rangeFor(scrollTop.current);
  renderedRange.current = [start, end];

  const recordAnchor = useCallback(() => {
    const top = scrollTop.current - pad;
    const i = rowAt(offsets, Math.max(0, top));
    const row = rows[i];
    anchor.current = row ? { key: row.key, delta: offsets[i] - top } : null;
  }, [offsets, pad, rows]);

  // Measure rows that just mounted, before paint, so estimates never show; later changes
  // (images, edits, reactions) come from the ResizeObserver.
  const measured = useRef(new WeakSet<HTMLElement>());
  // After every render on purpose (no dependency list): any render may mount new rows.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useLayoutEffect(() => {
    let changed = false;
    for (const [key, el] of rowElements.current) {
      if (measured.current.has(el)) continue;
      measured.current.add(el);
      if (setHeight(key, el.offsetHeight)) changed = true;
    }
    if (changed) setVersion((v) => v + 1);
  });

  // Keep the view steady: follow the bottom, or keep the anchor row where it was.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    let target: number | null = null;
    if (atBottom.current) target = Math.max(0, total + pad - el.clientHeight);
    else if (anchor.current) {
      const i = index.get(anchor.current.key);
      if (i !== undefined) target = offsets[i] + pad - anchor.current.delta;
    }
    if (target !== null && Math.abs(el.scrollTop - target) > 1) {
      el.scrollTop = target;
      scrollTop.current = el.scrollTop;
      const [s, e] = rangeFor(scrollTop.current);
      if (s !== renderedRange.current[0] || e !== renderedRange.current[1]) setTick((t) => t + 1);
    }
  }, [offsets, index, total, pad, rangeFor]);

  useEffect(() => {
    if (!jump) return;
    const el = scroller.current;
    const i = index.get(jump.key);
    if (!el || i === undefined) return;
    const delta = Math.min(el.clientHeight / 3, 200);
    atBottom.current = false;
    anchor.current = { key: jump.key, delta };
    el.scrollTop = offsets[i] + pad - delta;
    scrollTop.current = el.scrollTop;
    setTick((t) => t + 1);
    // Only a new jump request moves the view; later renders are held by the anchor.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jump?.seq, jump?.key, index.has(jump?.key ?? "")]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const setHeightRef = useRef(setHeight);
  setHeightRef.current = setHeight;
  // Later size changes (images loading, edits, reactions) are caught by one observer.
  const observer = useMemo(
    () =>
      typeof ResizeObserver === "undefined"
        ? null
        : new ResizeObserver((entries) => {
            let changed = false;
            for (const entry of entries) {
              const key = (entry.target as HTMLElement).dataset.rowKey;
              const box = entry.borderBoxSize?.[0];
              const h = box ? Math.round(box.blockSize) : (entry.target as HTMLElement).offsetHeight;
              if (key && setHeightRef.current(key, h)) changed = true;
            }
            if (changed) setVersion((v) => v + 1);
          }),
    [],
  );
  useEffect(() => () => observer?.disconnect(), [observer]);

  // One stable ref callback per row key, so re-renders do not detach and re-observe rows.
  const refs = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const refFor = (key: string) => {
    let ref = refs.current.get(key);
    if (!ref) {
      ref = (el: HTMLElement | null) => {
        const old = rowElements.current.get(key);
        if (old && old !== el) observer?.unobserve(old);
        if (el) {
          rowElements.current.set(key, el);
          observer?.observe(el);
        } else {
          rowElements.current.delete(key);
          refs.current.delete(key);
        }
      };
      refs.current.set(key, ref);
    }
    return ref;
  };

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    scrollTop.current = el.scrollTop;
    const bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
    if (bottom !== atBottom.current) {
      atBottom.current = bottom;
      onBottom?.(bottom);
    }
    recordAnchor();
    const [s, e] = rangeFor(el.scrollTop);
    if (s !== renderedRange.current[0] || e !== renderedRange.current[1]) setTick((t) => t + 1);
    if (el.scrollTop - pad < TOP_THRESHOLD_PX) onNearTop?.();
  }, [onBottom, onNearTop, pad, rangeFor, recordAnchor]);

  useEffect(() => {
    // Short lists never scroll, so "near the top" must be checked after each change too.
    const el = scroller.current;
    if (el && el.scrollTop - pad < TOP_THRESHOLD_PX) onNearTop?.();
    if (el && atBottom.current) onBottom?.(true);
  }, [rows, onNearTop, onBottom, pad]);

  const visible = rows.slice(start, end);
  return (
    <div ref={scroller} className={`vlist ${className ?? ""}`} onScroll={onScroll} tabIndex={0} aria-label={label} role="region">
      <div className="vlist-inner" style={{ height: total + pad }} data-rows={rows.length}>
        <div role="list" className="vlist-window" style={{ transform: `translateY(${offsets[start] + pad}px)` }}>
          {visible.map((row) => (
            <div role="listitem" key={row.key} data-row-key={row.key} ref={refFor(row.key)}>
              {render(row)}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
