import type { ReactNode } from 'react';

export function Banner({
  tone,
  children,
  action,
}: {
  tone: 'error' | 'warning' | 'info';
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <span>{children}</span>
      {action}
    </div>
  );
}
