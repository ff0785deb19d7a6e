import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: string;
  /** Called for Esc and for the close button; the dialog stays open until the parent unmounts it. */
  onDismiss: () => void;
  children: ReactNode;
  footer?: ReactNode;
  description?: ReactNode;
  wide?: boolean;
  role?: 'dialog' | 'alertdialog';
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the window inert
 * (focus cannot leave) and gives Esc; focus returns to where it was on close.
 */
export function Dialog({
  title,
  onDismiss,
  children,
  footer,
  description,
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
    // showModal() focuses the first focusable element (the × button); move to the
    // element the dialog marks instead. React's autoFocus runs before showModal.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault(); // the parent decides whether Esc may close it
      dismiss.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
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
      aria-describedby={description ? descriptionId : undefined}
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
