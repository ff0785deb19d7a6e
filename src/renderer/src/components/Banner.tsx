import type { ReactNode } from 'react';

export function Banner({
  tone,
  children,
  action,
  announce = true,
}: {
  tone: 'error' | 'warning' | 'info';
  children: ReactNode;
  action?: ReactNode;
  /** False for a banner that is there from the start and heard another way (a dialog's description). */
  announce?: boolean;
}) {
  const role = announce ? (tone === 'error' ? 'alert' : 'status') : undefined;
  return (
    <div className={`banner banner-${tone}`} role={role}>
      <span>{children}</span>
      {action}
    </div>
  );
}
