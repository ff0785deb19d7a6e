import { useState } from 'react';
import type { ApiToken } from '../../../../../shared/api-schemas';
import type { BulkRevokeReport } from '../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';

interface Props {
  /** The connection that issued them (the account's own). */
  connectionId: string;
  tokens: ApiToken[];
  onDone: (report: BulkRevokeReport | null) => void;
  onFailure: (error: unknown) => string;
}

/**
 * "Revoke N tokens": one confirmation naming every token (scrollable when long),
 * one request (all or nothing on the service), then what happened to each.
 */
export function BulkRevokeDialog({ connectionId, tokens, onDone, onFailure }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<BulkRevokeReport | null>(null);
  const count = tokens.length === 1 ? '1 token' : `${tokens.length} tokens`;

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      setReport(
        await call(desk().tokensRevokeMany({ connectionId, ids: tokens.map((t) => t.id) })),
      );
    } catch (failure) {
      setError(onFailure(failure) || messageOf(failure));
    } finally {
      setBusy(false);
    }
  }

  const nameOf = (ref: { id: string; name: string | null }) =>
    ref.name ?? tokens.find((t) => t.id === ref.id)?.name ?? ref.id;

  return (
    <Dialog
      title={report ? `Revoked ${report.revoked.length} of ${count}` : `Revoke ${count}?`}
      role="alertdialog"
      onDismiss={() => !busy && onDone(report)}
      footer={
        report ? (
          <button type="button" className="primary" onClick={() => onDone(report)} data-autofocus>
            Done
          </button>
        ) : (
          <>
            <button
              type="button"
              className="secondary"
              onClick={() => onDone(null)}
              disabled={busy}
              data-autofocus
            >
              Cancel
            </button>
            <button type="button" className="danger" disabled={busy} onClick={() => void revoke()}>
              {busy ? 'Revoking…' : `Revoke ${count}`}
            </button>
          </>
        )
      }
    >
      {error && <Banner tone="error">{error}</Banner>}
      {report ? (
        <ul className="bulk-list" aria-label="Outcome per token">
          {report.revoked.map((ref) => (
            <li key={ref.id} className="bulk-revoked">
              <span className="bulk-state">Revoked</span> <span>{nameOf(ref)}</span>
            </li>
          ))}
          {report.notFound.map((ref) => (
            <li key={ref.id} className="bulk-missing">
              <span className="bulk-state">Not found</span> <span>{nameOf(ref)}</span>{' '}
              <span className="muted">(already revoked or gone)</span>
            </li>
          ))}
        </ul>
      ) : (
        <>
          <p>
            Every pipeline or script using one of these tokens gets <strong>401 errors</strong> on
            its next request. This cannot be undone.
          </p>
          <ul className="bulk-list" aria-label="Tokens to revoke" tabIndex={0}>
            {tokens.map((token) => (
              <li key={token.id}>
                <span className="bulk-name">{token.name}</span> <code>{token.prefix}…</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}
