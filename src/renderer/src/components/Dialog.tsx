import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  /**
   * Called for Esc, for the close button and if the browser closes the dialog on its
   * own; the dialog stays open until the parent unmounts it.
   */
  onDismiss: () => void;
  children: ReactNode;
  footer?: ReactNode;
  description?: ReactNode;
  /** The id of something in the body that describes the dialog, when that is not a plain sentence. */
  describedBy?: string;
  wide?: boolean;
  role?: 'dialog' | 'alertdialog';
}

/** Open dialogs, innermost last: only the innermost one answers Esc. */
const openDialogs: HTMLDialogElement[] = [];

/**
 * A modal on the native <dialog>: showModal() makes the rest of the window inert
 * (focus cannot leave); focus returns to where it was on close.
 *
 * Esc is handled on keydown, as GitHub Desktop's dialog.tsx does, not on `cancel`:
 * Chromium stops honouring preventDefault() on repeated `cancel` events (its close
 * watcher's abuse guard) and then closes the dialog behind React's back. Should the
 * browser close it anyway, `close` reopens it and asks the parent, so the DOM and
 * React's state never disagree: while this component is mounted, the dialog is open.
 */
export function Dialog({
  title,
  onDismiss,
  children,
  footer,
  description,
  describedBy,
  wide,
  role = 'dialog',
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const dismiss = useRef(onDismiss);
  useEffect(() => {
    dismiss.current = onDismiss;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previouslyFocused = document.activeElement as HTMLElement | null;
    dialog.showModal();
    openDialogs.push(dialog);
    // showModal() focuses the first focusable element (the × button); move to the
    // element the dialog marks instead. React's autoFocus runs before showModal.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) return;
      if (openDialogs.at(-1) !== dialog) return;
      event.preventDefault(); // no `cancel`, no native close: the parent decides
      dismiss.current();
    };
    const onCancel = (event: Event) => {
      event.preventDefault(); // honoured or not, `close` below keeps us in step
      dismiss.current();
    };
    const onClose = () => {
      if (dialog.open || !dialog.isConnected) return; // a stale event, or we are unmounting
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
      dismiss.current();
    };
    // On window, bubbling: a control inside that handles Esc itself can preventDefault first.
    window.addEventListener('keydown', onKeyDown);
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onClose);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onClose);
      const index = openDialogs.indexOf(dialog);
      if (index !== -1) openDialogs.splice(index, 1);
      dialog.close();
      previouslyFocused?.focus?.();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      role={role}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : describedBy}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close"
          onClick={() => dismiss.current()}
        >
          ×
        </button>
      </header>
      {description && (
        <p id={descriptionId} className="dialog-description">
          {description}
        </p>
      )}
      <div className="dialog-body">{children}</div>
      {footer && <footer className="dialog-footer">{footer}</footer>}
    </dialog>
  );
}
