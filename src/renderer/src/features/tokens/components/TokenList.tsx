import { useRef, useState, type UIEvent } from 'react';
import type { ApiToken } from '../../../../../shared/api-schemas';
import { attentionReason, expiryLabel, expiryState, healthOf } from '../health';
import {
  formatAbsolute,
  formatRelative,
  formatShort,
  placesLabel,
  placesWord,
} from '../../../lib/format';

const ROW_HEIGHT = 52;
const OVERSCAN = 8;

interface Props {
  /** Already searched and sorted (`visibleTokens`); the screen counts them too. */
  visible: ApiToken[];
  query: string;
  now: number;
  onRevoke: (token: ApiToken) => void;
  onRotate: (token: ApiToken) => void;
  onSend: (token: ApiToken) => void;
  onDetails: (token: ApiToken) => void;
  /** Replace an expired token: a rotation with a new lifetime. */
  onReplace: (token: ApiToken) => void;
  selected: ReadonlySet<string>;
  /** A checkbox was toggled; `range` with Shift: everything from the last one toggled. */
  onSelect: (token: ApiToken, index: number, range: boolean) => void;
}

/**
 * The token table, windowed: only the rows in view (plus a few) are in the DOM,
 * so thousands of tokens scroll and filter as fast as ten.
 */
export function TokenList({
  visible,
  query,
  now,
  onRevoke,
  onRotate,
  onSend,
  onDetails,
  onReplace,
  selected,
  onSelect,
}: Props) {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const scroller = useRef<HTMLDivElement>(null);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    setScrollTop(event.currentTarget.scrollTop);
    setViewport(event.currentTarget.clientHeight);
  };
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const rows = visible.slice(first, last);

  if (visible.length === 0) {
    return (
      <p className="muted empty-search" role="status">
        {query.trim() ? `No token matches “${query}”.` : 'No token needs attention here.'}
      </p>
    );
  }

  return (
    <div
      className="token-table"
      role="table"
      aria-label="API tokens"
      aria-rowcount={visible.length + 1}
    >
      <div className="token-row token-head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="cell-name">
          Name
        </span>
        <span role="columnheader" className="cell-prefix">
          Prefix
        </span>
        <span role="columnheader" className="cell-created">
          Created
        </span>
        <span role="columnheader" className="cell-used">
          Last used
        </span>
        <span role="columnheader" className="cell-expires">
          Expires
        </span>
        <span role="columnheader" className="cell-places">
          Used in
        </span>
        <span role="columnheader" className="cell-actions">
          <span className="visually-hidden">Actions</span>
        </span>
      </div>
      <div className="token-scroller" ref={scroller} onScroll={onScroll} role="rowgroup">
        <div className="token-spacer" style={{ height: visible.length * ROW_HEIGHT }}>
          {rows.map((token, i) => {
            const index = first + i;
            const state = expiryState(token.expiresAt, now);
            const reason = attentionReason(token, now);
            const isSelected = selected.has(token.id);
            return (
              <div
                key={token.id}
                className={`token-row${isSelected ? ' token-selected' : ''}${reason ? ' token-attention' : ''}`}
                role="row"
                aria-rowindex={index + 2}
                aria-selected={isSelected}
                data-token-id={token.id}
                style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
              >
                <span role="cell" className="cell-name token-name" title={token.name}>
                  <input
                    type="checkbox"
                    className="row-select"
                    checked={isSelected}
                    aria-label={`Select ${token.name}`}
                    onChange={() => undefined}
                    onClick={(event) => onSelect(token, index, event.shiftKey)}
                  />
                  {reason && (
                    <span className="attention-dot" title={reason}>
                      <span className="visually-hidden">Needs attention: {reason}.</span>
                    </span>
                  )}
                  <button
                    type="button"
                    className="name-button"
                    onClick={() => onDetails(token)}
                    aria-label={`Details of ${token.name}`}
                  >
                    {token.name}
                  </button>
                </span>
                <span role="cell" className="cell-prefix">
                  <code>{token.prefix}…</code>
                </span>
                <span
                  role="cell"
                  className="cell-created"
                  title={`Created ${formatAbsolute(token.createdAt)}`}
                >
                  {formatRelative(token.createdAt, now)}
                </span>
                <span
                  role="cell"
                  className="cell-used"
                  title={
                    token.lastUsedAt ? `Last used ${formatAbsolute(token.lastUsedAt)}` : undefined
                  }
                >
                  {token.lastUsedAt ? (
                    <span
                      className={
                        healthOf(token, now).includes('unused') ? 'expiry expiry-soon' : undefined
                      }
                    >
                      {formatRelative(token.lastUsedAt, now)}
                    </span>
                  ) : (
                    <span className="muted">Never used</span>
                  )}
                </span>
                {token.graceEndsAt ? (
                  <span
                    role="cell"
                    className="cell-expires"
                    title={`Replaced by a rotation; this secret works until ${formatAbsolute(token.graceEndsAt)}, then it is revoked.`}
                  >
                    <span className="expiry expiry-replaced">
                      <span className="expiry-line">Replaced, valid</span>{' '}
                      <span className="expiry-line">
                        until {formatShort(token.graceEndsAt, now)}
                      </span>
                    </span>
                  </span>
                ) : (
                  <span
                    role="cell"
                    className="cell-expires"
                    title={
                      token.expiresAt
                        ? `Expires ${formatAbsolute(token.expiresAt)}`
                        : 'This token does not expire'
                    }
                  >
                    <span className={`expiry expiry-${state}`}>
                      {expiryLabel(token.expiresAt, now)}
                    </span>
                  </span>
                )}
                <span role="cell" className="cell-places">
                  {token.destinationCount > 0 ? (
                    placesLabel(token.destinationCount)
                  ) : (
                    <span className="muted">Not recorded</span>
                  )}
                </span>
                <span role="cell" className="cell-actions row-actions">
                  {state === 'expired' && !token.replacedById && (
                    <button
                      type="button"
                      className="primary small"
                      onClick={() => onReplace(token)}
                      aria-label={`Replace ${token.name}`}
                    >
                      Replace
                    </button>
                  )}
                  {!token.replacedById && state !== 'expired' && (
                    <>
                      <button
                        type="button"
                        className="secondary small"
                        onClick={() => onSend(token)}
                        aria-label={`Send to CI… ${token.name}`}
                      >
                        Send to CI…
                      </button>
                      <button
                        type="button"
                        className="secondary small"
                        onClick={() => onRotate(token)}
                        aria-label={
                          token.destinationCount > 0
                            ? `Rotate ${token.name} and update ${placesWord(token.destinationCount)}`
                            : `Rotate ${token.name}`
                        }
                      >
                        Rotate
                      </button>
                    </>
                  )}
                  <button
                    type="button"
                    className="danger small"
                    onClick={() => onRevoke(token)}
                    aria-label={`Revoke ${token.name}`}
                  >
                    Revoke
                  </button>
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
