import type { MouseEvent, ReactNode } from 'react';
import type { DeskToken } from '../../../../../shared/ipc-contract';
import { attentionOf, healthOf, lastUseKnown, tokenExpiryLabel, tokenExpiryState } from '../health';
import { sourceChip } from '../sources';
import { formatAbsolute, formatRelative, formatShort, placesLabel } from '../../../lib/format';
import { COLUMN } from '../grid';
import { tokenKey } from '../view';

interface Props {
  token: DeskToken;
  index: number;
  top: number;
  now: number;
  selected: boolean;
  /** Its details are open beside the list. */
  open: boolean;
  /** The column that is the list's one Tab stop, when it is in this row. */
  activeColumn: number | null;
  menuOpen: boolean;
  onSelect: (token: DeskToken, index: number, range: boolean) => void;
  onDetails: (token: DeskToken) => void;
  onMenu: (token: DeskToken, button: HTMLElement, at?: { x: number; y: number }) => void;
}

/** Only the active cell (or the control in it) is in the Tab order. */
const stop = (column: number, active: number | null) => (column === active ? 0 : -1);

/** A cell that holds no control: focusable itself. */
function TextCell({
  col,
  active,
  className,
  title,
  children,
}: {
  col: number;
  active: number | null;
  className: string;
  title?: string;
  children: ReactNode;
}) {
  return (
    <span
      role="gridcell"
      className={className}
      data-col={col}
      tabIndex={stop(col, active)}
      title={title}
    >
      {children}
    </span>
  );
}

/** Three dots: drawn, so the button's name is its label alone. */
const MoreIcon = () => (
  <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
    <circle cx="3" cy="8" r="1.5" />
    <circle cx="8" cy="8" r="1.5" />
    <circle cx="13" cy="8" r="1.5" />
  </svg>
);

/** One token in the list: its checkbox, name and status, times, places, and a ⋯ menu. */
export function TokenRow({
  token,
  index,
  top,
  now,
  selected,
  open,
  activeColumn,
  menuOpen,
  onSelect,
  onDetails,
  onMenu,
}: Props) {
  const state = tokenExpiryState(token, now);
  const { facts } = token;
  const scopes = facts.scopes.join(', ');
  const attention = attentionOf(token, now);
  const menuButton = (event: MouseEvent<HTMLElement>) =>
    event.currentTarget.querySelector<HTMLElement>('.row-menu-button')!;

  return (
    <div
      className={`token-row${selected ? ' token-selected' : ''}${attention ? ' token-attention' : ''}${open ? ' token-open' : ''}`}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-current={open ? 'true' : undefined}
      data-token-id={token.id}
      data-token-key={tokenKey(token)}
      style={{ transform: `translateY(${top}px)` }}
      onClick={(event) => {
        if (!(event.target as HTMLElement).closest('input, button')) onDetails(token);
      }}
      onContextMenu={(event) => {
        event.preventDefault();
        onMenu(token, menuButton(event), { x: event.clientX, y: event.clientY });
      }}
    >
      <span role="gridcell" className="cell-select" data-col={COLUMN.select}>
        <input
          type="checkbox"
          className="row-select"
          checked={selected}
          tabIndex={stop(COLUMN.select, activeColumn)}
          aria-label={`Select ${token.name}`}
          onChange={() => undefined}
          onClick={(event) => onSelect(token, index, event.shiftKey)}
        />
      </span>
      <span role="gridcell" className="cell-name token-name" data-col={COLUMN.name}>
        <button
          type="button"
          className="name-button"
          tabIndex={stop(COLUMN.name, activeColumn)}
          title={token.name}
          onClick={() => onDetails(token)}
          aria-label={`Details of ${token.name}`}
        >
          {token.name}
        </button>
        {attention && (
          <span className={`status-chip status-${attention.filter}`} title={attention.reason}>
            <span aria-hidden="true">{attention.chip}</span>
            <span className="visually-hidden">Needs attention: {attention.reason}.</span>
          </span>
        )}
      </span>
      <TextCell
        className="cell-source"
        col={COLUMN.source}
        active={activeColumn}
        title={scopes ? `${facts.source.label}: ${scopes}` : facts.source.label}
      >
        <span className={`source-chip source-${facts.source.kind}`}>
          {sourceChip(facts.source)}
        </span>
        {scopes && <span className="source-scopes"> {scopes}</span>}
      </TextCell>
      <TextCell className="cell-prefix" col={COLUMN.prefix} active={activeColumn}>
        {token.prefix ? (
          <code>{token.prefix}…</code>
        ) : (
          <span className="muted" title="Its source shows no prefix">
            None
          </span>
        )}
      </TextCell>
      <TextCell
        className="cell-created"
        col={COLUMN.created}
        active={activeColumn}
        title={`Created ${formatAbsolute(token.createdAt)}`}
      >
        {formatRelative(token.createdAt, now)}
      </TextCell>
      <TextCell
        className="cell-used"
        col={COLUMN.used}
        active={activeColumn}
        title={
          token.lastUsedAt
            ? `Last used ${formatAbsolute(token.lastUsedAt)}`
            : lastUseKnown(token)
              ? undefined
              : facts.unknown.lastUse
        }
      >
        {token.lastUsedAt ? (
          <span
            className={healthOf(token, now).includes('unused') ? 'expiry expiry-soon' : undefined}
          >
            {formatRelative(token.lastUsedAt, now)}
          </span>
        ) : lastUseKnown(token) ? (
          <span className="muted">Never used</span>
        ) : (
          <span className="muted unknown-fact">Not listed</span>
        )}
      </TextCell>
      <TextCell
        className="cell-expires"
        col={COLUMN.expires}
        active={activeColumn}
        title={
          token.graceEndsAt
            ? `Replaced by a rotation; this secret works until ${formatAbsolute(token.graceEndsAt)}, then it is revoked.`
            : token.expiresAt
              ? `Expires ${formatAbsolute(token.expiresAt)}`
              : state === 'unknown'
                ? facts.unknown.expiry
                : state === 'expired'
                  ? 'Its source says this token has expired'
                  : 'This token does not expire'
        }
      >
        {token.graceEndsAt ? (
          <span className="expiry expiry-replaced">
            <span className="expiry-line">Replaced, valid</span>{' '}
            <span className="expiry-line">until {formatShort(token.graceEndsAt, now)}</span>
          </span>
        ) : (
          <span className={`expiry expiry-${state}`}>{tokenExpiryLabel(token, now)}</span>
        )}
      </TextCell>
      <TextCell className="cell-places" col={COLUMN.places} active={activeColumn}>
        {token.destinationCount > 0 ? (
          placesLabel(token.destinationCount)
        ) : (
          <span className="muted">Not recorded</span>
        )}
      </TextCell>
      <span role="gridcell" className="cell-actions" data-col={COLUMN.actions}>
        <button
          type="button"
          className="row-menu-button"
          tabIndex={stop(COLUMN.actions, activeColumn)}
          aria-label={`Actions for ${token.name}`}
          aria-haspopup="menu"
          aria-expanded={menuOpen}
          aria-keyshortcuts="Shift+F10"
          title="Actions (Shift+F10 or right-click)"
          onClick={(event) => onMenu(token, event.currentTarget)}
        >
          <MoreIcon />
        </button>
      </span>
    </div>
  );
}
