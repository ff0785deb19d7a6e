import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  /** Not yet: what the person confirms is still loading. */
  confirmDisabled?: boolean;
  children: ReactNode;
  onConfirm: () => Promise<void>;
  onCancel: () => void;
}

export function ConfirmDialog({
  title,
  confirmLabel,
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
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
