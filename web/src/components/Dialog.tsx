// The one modal dialog of the client: every dialog (ours and apps' views) is this shell.
// Accessible: role="dialog" + aria-modal, labelled by its title, focus moved in on open,
// Tab kept inside, Escape closes, and focus given back on close (unless the caller manages
// it, as a stack of app views does): all through lib/focusTrap.ts.
import { type FormEvent, type ReactNode, useId, useRef } from "react";
import { FOCUSABLE, useFocusTrap } from "../lib/focusTrap";
import { Icon } from "./Icons";

export { FOCUSABLE };
const FIRST_FIELD = "input, textarea, select, button:not(.modal-close)";

export interface ModalProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  /** Extra classes on the dialog, its backdrop and its header. */
  className?: string;
  backdropClassName?: string;
  headerClassName?: string;
  /** Shown before the title (e.g. "2 of 2" in a stack). */
  headerBefore?: ReactNode;
  closeLabel?: string;
  /** Selectors tried in order for the element focused on open (else the dialog itself). */
  initialFocus?: string[];
  /** A click on the backdrop closes (default true). */
  closeOnBackdrop?: boolean;
  /** Give focus back to what had it when this closes (default true). */
  restoreFocus?: boolean;
  /** Makes the dialog's content a form (header included) submitted with this handler. */
  onSubmit?: (e: FormEvent) => void;
  /** data-* attributes for the dialog element. */
  data?: Record<`data-${string}`, string>;
}

export function Modal({
  title,
  onClose,
  children,
  wide,
  className = "",
  backdropClassName = "",
  headerClassName = "",
  headerBefore,
  closeLabel = "Close",
  initialFocus = [FIRST_FIELD],
  closeOnBackdrop = true,
  restoreFocus = true,
  onSubmit,
  data,
}: ModalProps) {
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  useFocusTrap(box, { onEscape: onClose, initialFocus, restoreFocus });

  const content = (
    <>
      <header className={`modal-header ${headerClassName}`.trim()}>
        {headerBefore}
        <h2 id={id}>{title}</h2>
        <button type="button" className="icon-button modal-close" aria-label={closeLabel} onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {children}
    </>
  );
  return (
    <div className={`modal-backdrop ${backdropClassName}`.trim()} onMouseDown={(e) => closeOnBackdrop && e.target === e.currentTarget && onClose()}>
      <div className={`modal ${wide ? "modal-wide" : ""} ${className}`.trim()} role="dialog" aria-modal="true" aria-labelledby={id} ref={box} tabIndex={-1} {...data}>
        {onSubmit ? (
          <form onSubmit={onSubmit} noValidate>
            {content}
          </form>
        ) : (
          content
        )}
      </div>
    </div>
  );
}
