import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  confirmLabel: string;
  /** What the confirm button says while the work runs ("Working…" unless the work is elsewhere). */
  busyLabel?: string;
  danger?: boolean;
  /** Not yet: what the person confirms is still loading. */
  confirmDisabled?: boolean;
  /** The body; a function of whether the work runs, where choices in it must hold still meanwhile. */
  children: ReactNode | ((busy: boolean) => ReactNode);
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}

export function ConfirmDialog({
  title,
  confirmLabel,
  busyLabel = 'Working…',
  danger,
  confirmDisabled = false,
  children,
  onConfirm,
  onCancel,
}: Props) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      title={title}
      role="alertdialog"
      onDismiss={() => !busy && onCancel()}
      footer={
        <>
          <button
            type="button"
            className="secondary"
            onClick={onCancel}
            disabled={busy}
            data-autofocus
          >
            Cancel
          </button>
          <button
            type="button"
            className={danger ? 'danger' : 'primary'}
            disabled={busy || confirmDisabled}
            onClick={() => {
              setBusy(true);
              void onConfirm().finally(() => setBusy(false));
            }}
          >
            {busy ? busyLabel : confirmLabel}
          </button>
        </>
      }
    >
      {typeof children === 'function' ? children(busy) : children}
    </Dialog>
  );
}
