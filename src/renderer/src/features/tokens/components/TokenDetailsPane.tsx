import { useEffect, useId, useRef, type KeyboardEvent } from 'react';
import { tokenKey } from '../view';
import {
  TokenDetailsActions,
  TokenDetailsContent,
  TokenGoneNotice,
  type TokenDetailsProps,
} from './TokenDetails';

interface Props extends TokenDetailsProps {
  /** The token has left the list: say so instead of showing what it was. */
  gone: boolean;
  /** Changes each time a person opens details (a row's name, Enter, a reminder): focus comes here. */
  focusRequest: number;
  /** Close (the × or Esc); the window returns focus to the token's row. */
  onClose: () => void;
}

/**
 * A token's details beside the list in a wide window (master–detail): its name as the
 * heading, its actions, then what the dialog shows. Not modal: the list stays usable,
 * and Esc from anywhere inside closes it.
 */
export function TokenDetailsPane({ gone, focusRequest, onClose, ...details }: Props) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, [focusRequest]);

  // Whatever had focus in the details may be gone with them: keep focus in the pane.
  useEffect(() => {
    const focused = document.activeElement;
    if (gone && (!focused || focused === document.body)) heading.current?.focus();
  }, [gone]);

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.key !== 'Escape' || event.nativeEvent.isComposing || event.defaultPrevented) return;
    event.preventDefault(); // the list's own Esc (clear the selection) leaves it alone
    onClose();
  }

  return (
    <section className="detail-pane" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <header className="detail-pane-header">
        <h2 id={headingId} ref={heading} tabIndex={-1} title={details.token.name}>
          {details.token.name}
        </h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Close"
          aria-keyshortcuts="Escape"
          title="Close (Esc)"
          onClick={onClose}
        >
          ×
        </button>
      </header>
      {!gone && (
        <div className="detail-pane-actions">
          <TokenDetailsActions {...details} form="pane" />
        </div>
      )}
      <div className="detail-pane-body">
        {gone ? (
          <TokenGoneNotice name={details.token.name} />
        ) : (
          <TokenDetailsContent key={tokenKey(details.token)} {...details} />
        )}
      </div>
    </section>
  );
}
