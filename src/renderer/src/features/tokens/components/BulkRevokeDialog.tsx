import { useState } from 'react';
import type {
  BulkRevokeReport,
  DeskToken,
  InventorySource,
  TokenRef,
} from '../../../../../shared/ipc-contract';
import { call, desk, DeskFailure, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';
import { bulkRevokePlan, sourceChip } from '../sources';

interface Props {
  /** Only tokens their source lets Token Desk revoke; they may come from several sources. */
  tokens: DeskToken[];
  /** The connected sources: how many tokens each revokes in one request. */
  sources: InventorySource[];
  onDone: (report: BulkRevokeReport | null) => void;
  onFailure: (error: unknown) => string;
}

/** What happened to each token, with the ones a source refused and why. */
interface Outcome extends BulkRevokeReport {
  failed: Array<TokenRef & { message: string }>;
}

/** The account's own session went: nothing more is asked of any source. */
const SESSION_LOST = new Set(['session_expired', 'signed_out']);

/**
 * "Revoke N tokens": one confirmation naming every token (scrollable when long), then
 * each source asked for its own (several at once where it takes many, all or nothing
 * there; else one by one), and one report of what happened to each.
 */
export function BulkRevokeDialog({ tokens, sources, onDone, onFailure }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<Outcome | null>(null);
  const count = tokens.length === 1 ? '1 token' : `${tokens.length} tokens`;
  const several = new Set(tokens.map((t) => t.issuer.connectionId)).size > 1;
  const nameOf = (ref: { id: string; name: string | null }) =>
    ref.name ?? tokens.find((t) => t.id === ref.id)?.name ?? ref.id;

  async function revoke() {
    setBusy(true);
    setError(null);
    const outcome: Outcome = { revoked: [], notFound: [], failed: [] };
    const refs = (ids: string[]) => ids.map((id) => ({ id, name: nameOf({ id, name: null }) }));
    try {
      for (const step of bulkRevokePlan(tokens, sources)) {
        try {
          if (step.many) {
            const done = await call(
              desk().tokensRevokeMany({ connectionId: step.connectionId, ids: step.ids }),
            );
            outcome.revoked.push(...done.revoked);
            outcome.notFound.push(...done.notFound);
          } else {
            await call(desk().tokensRevoke({ connectionId: step.connectionId, id: step.ids[0]! }));
            outcome.revoked.push(...refs(step.ids));
          }
        } catch (failure) {
          if (failure instanceof DeskFailure && failure.code === 'token_not_found' && !step.many)
            outcome.notFound.push(...refs(step.ids));
          else {
            const message = onFailure(failure) || messageOf(failure);
            outcome.failed.push(...refs(step.ids).map((ref) => ({ ...ref, message })));
            if (failure instanceof DeskFailure && SESSION_LOST.has(failure.code)) break;
          }
        }
      }
      // Nothing went through at all: say why here, as one request failing did before.
      if (outcome.revoked.length === 0 && outcome.notFound.length === 0 && outcome.failed.length)
        setError(outcome.failed[0]!.message);
      else setReport(outcome);
    } finally {
      setBusy(false);
    }
  }

  const sourceOf = (id: string) => {
    const token = tokens.find((t) => t.id === id);
    return several && token ? ` (${sourceChip(token.facts.source)})` : '';
  };

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
              {sourceOf(ref.id)}
            </li>
          ))}
          {report.notFound.map((ref) => (
            <li key={ref.id} className="bulk-missing">
              <span className="bulk-state">Not found</span> <span>{nameOf(ref)}</span>
              {sourceOf(ref.id)} <span className="muted">(already revoked or gone)</span>
            </li>
          ))}
          {report.failed.map((ref) => (
            <li key={ref.id} className="bulk-failed">
              <span className="bulk-state">Not revoked</span> <span>{nameOf(ref)}</span>
              {sourceOf(ref.id)} <span className="muted">{ref.message}</span>
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
                <span className="bulk-name">{token.name}</span>{' '}
                {token.prefix && <code>{token.prefix}…</code>}
                {several && <span className="muted"> {sourceChip(token.facts.source)}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </Dialog>
  );
}
