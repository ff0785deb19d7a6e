import { useEffect, useState } from 'react';
import type { RevealedToken } from '../../../shared/ipc-contract';
import {
  SNIPPET_KINDS,
  SNIPPET_LABELS,
  snippetText,
  type SnippetKind,
} from '../../../shared/snippets';
import { call, desk, messageOf } from '../bridge';
import { Banner } from '../components/Banner';
import { Dialog } from '../components/Dialog';

interface Props {
  revealed: RevealedToken;
  rotated: boolean;
  serviceUrl: string;
  onClosed: () => void;
}

/**
 * Shows a secret exactly once. Copy goes through main (which clears the clipboard
 * later); closing tells main to forget the secret and unmounts the only element
 * holding it, after which the page has no copy left.
 */
export function RevealDialog({ revealed, rotated, serviceUrl, onClosed }: Props) {
  const [copiedAt, setCopiedAt] = useState<{ at: number; clearsIn: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [snippetCopied, setSnippetCopied] = useState<SnippetKind | null>(null);
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!copiedAt) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [copiedAt]);

  async function copySecret() {
    try {
      const { clearsInSeconds } = await call(desk().secretCopy({ revealId: revealed.revealId }));
      setCopiedAt({ at: Date.now(), clearsIn: clearsInSeconds });
      setNow(Date.now());
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  async function copySnippet(kind: SnippetKind) {
    try {
      await call(desk().snippetCopy({ kind }));
      setSnippetCopied(kind);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  function close() {
    void desk().secretForget({ revealId: revealed.revealId });
    onClosed();
  }

  const remaining = copiedAt
    ? Math.max(0, copiedAt.clearsIn - Math.floor((now - copiedAt.at) / 1000))
    : 0;
  const { token } = revealed;

  return (
    <Dialog
      title={rotated ? `New secret for “${token.name}”` : `Token “${token.name}” created`}
      description="Copy the secret now and store it in your CI secret store. It will not be shown again."
      onDismiss={() => setConfirmingClose(true)}
      wide
      footer={
        confirmingClose ? (
          <div className="confirm-close" role="alert">
            <span>
              {copiedAt ? 'Stored it somewhere safe?' : 'You have not copied the secret.'} Once
              closed it cannot be shown again
              {rotated ? '; the old secret has already stopped working.' : '.'}
            </span>
            <button
              type="button"
              className="secondary"
              onClick={() => setConfirmingClose(false)}
              autoFocus
            >
              Go back
            </button>
            <button type="button" className="danger" onClick={close}>
              Close and forget the secret
            </button>
          </div>
        ) : (
          <button type="button" className="primary" onClick={() => setConfirmingClose(true)}>
            Done
          </button>
        )
      }
    >
      {error && <Banner tone="error">{error}</Banner>}
      <div className="secret-box">
        <code className="secret" data-testid="secret" aria-label="Token secret">
          {revealed.secret}
        </code>
        <button
          type="button"
          className="primary"
          onClick={() => void copySecret()}
          data-autofocus
          aria-label="Copy secret"
        >
          {copiedAt ? 'Copy again' : 'Copy'}
        </button>
      </div>
      <p className="copy-status" role="status" aria-live="polite">
        {copiedAt &&
          (remaining > 0
            ? `Copied. The clipboard will be cleared in ${remaining} s.`
            : 'Copied. The clipboard has been cleared.')}
      </p>
      {rotated && (
        <Banner tone="warning">
          The previous secret no longer works. Update it wherever “{token.name}” is used.
        </Banner>
      )}

      <h3>Use it</h3>
      <ul className="snippets">
        {SNIPPET_KINDS.map((kind) => (
          <li key={kind}>
            <span className="snippet-label">{SNIPPET_LABELS[kind]}</span>
            <div className="snippet">
              <code>{snippetText(kind, serviceUrl)}</code>
              <button
                type="button"
                className="secondary small"
                onClick={() => void copySnippet(kind)}
                aria-label={`Copy the ${kind} snippet`}
              >
                {snippetCopied === kind ? 'Copied' : 'Copy'}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
