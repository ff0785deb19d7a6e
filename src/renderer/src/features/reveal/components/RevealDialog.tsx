import { useEffect, useId, useState, type ReactNode } from 'react';
import type { RevealedToken, RotationState } from '../../../../../shared/ipc-contract';
import type { IssuerKindName } from '../../../../../shared/issuers/token-facts';
import {
  SNIPPET_KINDS,
  SNIPPET_LABELS,
  snippetText,
  type SnippetKind,
} from '../../../../../shared/snippets';
import { call, desk, messageOf } from '../../../lib/bridge';
import { Banner } from '../../../components/Banner';
import { Dialog } from '../../../components/Dialog';

type VendorKind = Exclude<IssuerKindName, 'token-desk'>;

/** How each vendor's own tools read a token, in words: no value, only where it goes. */
const VENDOR_USE: Record<VendorKind, ReactNode> = {
  npm: (
    <>
      Keep it in a CI secret such as <code>NPM_TOKEN</code>; npm reads it through{' '}
      <code>.npmrc</code>: <code>//registry.npmjs.org/:_authToken=${'{NPM_TOKEN}'}</code> (with your
      registry’s address).
    </>
  ),
  gitlab: (
    <>
      GitLab’s API takes it in the <code>PRIVATE-TOKEN</code> header; Git over HTTPS takes it as the
      password.
    </>
  ),
  cloudflare: (
    <>
      Wrangler and Cloudflare’s API read it from <code>CLOUDFLARE_API_TOKEN</code> (sent as{' '}
      <code>Authorization: Bearer …</code>).
    </>
  ),
  github: (
    <>
      GitHub’s CLI and scripts read it from <code>GH_TOKEN</code>; in a workflow, keep it in a
      repository secret.
    </>
  ),
};

/** Vendors whose connection's own credential can come back from a rotation, by name. */
const VENDOR_NAME: Record<VendorKind, string> = {
  npm: 'npm',
  gitlab: 'GitLab',
  cloudflare: 'Cloudflare',
  github: 'GitHub',
};

const sentInWords = (count: number) =>
  count === 0
    ? 'Token Desk did not send it anywhere.'
    : `Token Desk sent it to ${count === 1 ? 'the 1 place' : `the ${count} places`} where this token is used.`;

interface Props {
  revealed: RevealedToken;
  rotated: boolean;
  serviceUrl: string;
  onClosed: () => void;
  /** "Rotate and update N places": whether the old secret still works, for the closing words. */
  rotation?: RotationState | null;
  /** Send to CI… with how each send went (the send-to-ci feature's, composed by the app). */
  sendSection: ReactNode;
  /** The rotation's progress, with Retry and revoke-anyway (the rotation feature's). */
  rotationPanel?: ReactNode;
}

/** What our last copy put on the clipboard, so the status line can say only what is true. */
type Copied =
  | { what: 'secret'; at: number; clearsIn: number }
  | { what: 'snippet'; kind: SnippetKind; replacedSecret: boolean }
  | null;

/**
 * One line of a snippet, wrapped when the dialog is narrow with a hanging indent past
 * its own indentation, so a wrapped YAML line does not read as a new key. The text
 * keeps its spaces, so selecting and copying it by hand gives the same snippet.
 */
function SnippetLine({ line }: { line: string }) {
  const hang = line.length - line.trimStart().length + 2;
  return (
    <span className="snippet-line" style={{ paddingLeft: `${hang}ch`, textIndent: `-${hang}ch` }}>
      {line}
      {'\n'}
    </span>
  );
}

/** Forgets scheduled by an unmount, by reveal id; a remount (React's StrictMode) cancels its own. */
const pendingForgets = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Shows a secret exactly once. Copy goes through main (which clears the clipboard
 * later). However the dialog goes away (Close, a lost session, leaving the screen),
 * unmounting tells main to forget the secret and drops the only element holding it,
 * after which the page has no copy left.
 */
export function RevealDialog(props: Props) {
  if (props.revealed.connectionCredential) return <KeptCredentialDialog {...props} />;
  return <SecretDialog {...props} />;
}

/**
 * A rotation of the credential the token's own connection signs in with: main kept the
 * new value (the keychain, the recorded places) and sent none to this page, so the
 * dialog says where it went instead of showing it; there is nothing to copy or send.
 */
function KeptCredentialDialog({ revealed, onClosed, rotation = null, rotationPanel }: Props) {
  const descriptionId = useId();
  const { token, connectionCredential } = revealed;
  if (!connectionCredential) return null;
  const vendor = VENDOR_NAME[token.issuer.kind as VendorKind] ?? token.issuer.kind;
  // While a rotation's places are retried, the count follows them.
  const places = rotation
    ? rotation.destinations.filter((place) => place.status === 'updated').length
    : connectionCredential.places;
  const sent = sentInWords(places);
  return (
    <Dialog
      title={`“${token.name}” rotated`}
      describedBy={descriptionId}
      onDismiss={onClosed}
      wide
      footer={
        <button type="button" className="primary" onClick={onClosed} autoFocus>
          Done
        </button>
      }
    >
      <Banner tone={connectionCredential.saved ? 'info' : 'warning'} announce={false}>
        <span id={descriptionId} data-testid="kept-credential">
          {connectionCredential.saved
            ? `The new value is this ${vendor} connection’s own access token: Token Desk keeps it in the keychain, and it is not shown here. ${sent}`
            : `The new value is this ${vendor} connection’s own access token, and it is not shown here. Token Desk could not keep it in the keychain, so this ${vendor} connection no longer works: add the account again in Settings with a new token. ${sent}`}
        </span>
      </Banner>
      {revealed.warning && (
        <Banner tone="warning" announce={false}>
          {revealed.warning}
        </Banner>
      )}
      {!rotation && (
        <Banner tone="warning">
          The previous value has stopped working; anything else that used it needs another token.
        </Banner>
      )}
      {rotation && rotationPanel}
    </Dialog>
  );
}

function SecretDialog({
  revealed,
  rotated,
  serviceUrl,
  onClosed,
  rotation = null,
  sendSection,
  rotationPanel,
}: Props) {
  const [copied, setCopied] = useState<Copied>(null);
  const [now, setNow] = useState(() => Date.now());
  const [confirmingClose, setConfirmingClose] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { revealId } = revealed;
  const warningId = useId();

  useEffect(() => {
    const pending = pendingForgets.get(revealId);
    if (pending !== undefined) clearTimeout(pending);
    pendingForgets.delete(revealId);
    return () => {
      // Deferred one task so that StrictMode's simulated unmount and remount keeps the secret.
      pendingForgets.set(
        revealId,
        setTimeout(() => {
          pendingForgets.delete(revealId);
          void desk().secretForget({ revealId });
        }, 0),
      );
    };
  }, [revealId]);

  const counting = copied?.what === 'secret';
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [counting]);

  async function copySecret() {
    try {
      const { clearsInSeconds } = await call(desk().secretCopy({ revealId }));
      // Main started its timer before answering, so this countdown ends after main's.
      setCopied({ what: 'secret', at: Date.now(), clearsIn: clearsInSeconds });
      setNow(Date.now());
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  async function copySnippet(kind: SnippetKind) {
    try {
      await call(desk().snippetCopy({ kind }));
      setCopied((before) => ({
        what: 'snippet',
        kind,
        replacedSecret: before?.what === 'secret' || (before?.replacedSecret ?? false),
      }));
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }

  const remaining =
    copied?.what === 'secret'
      ? Math.max(0, copied.clearsIn - Math.floor((now - copied.at) / 1000))
      : 0;
  let copyStatus = '';
  if (copied?.what === 'secret') {
    copyStatus =
      remaining > 0
        ? `Copied. The secret will be cleared from the clipboard in ${remaining} s.`
        : 'The secret is no longer on the clipboard.';
  } else if (copied?.what === 'snippet') {
    copyStatus = copied.replacedSecret
      ? 'Snippet copied. The secret is no longer on the clipboard.'
      : 'Snippet copied.';
  }
  const everCopiedSecret = copied?.what === 'secret' || copied?.replacedSecret === true;
  const { token } = revealed;

  return (
    <Dialog
      title={rotated ? `New secret for “${token.name}”` : `Token “${token.name}” created`}
      // The one-time warning is a warning, not grey small print; the dialog still names
      // it as its description, so a screen reader reads it with the title.
      describedBy={revealed.warning ? `${warningId} ${warningId}-vendor` : warningId}
      onDismiss={() => setConfirmingClose(true)}
      wide
      footer={
        confirmingClose ? (
          <div className="confirm-close" role="alert">
            <span>
              {everCopiedSecret ? 'Stored it somewhere safe?' : 'You have not copied the secret.'}{' '}
              Once closed it cannot be shown again
              {!rotated
                ? '.'
                : rotation && !rotation.oldRevoked && rotation.graceEndsAt
                  ? '; the old secret keeps working until the time shown.'
                  : '; the old secret has already stopped working.'}
            </span>
            <span className="confirm-close-actions">
              <button
                type="button"
                className="secondary"
                onClick={() => setConfirmingClose(false)}
                autoFocus
              >
                Go back
              </button>
              <button type="button" className="danger" onClick={onClosed}>
                Close and forget the secret
              </button>
            </span>
          </div>
        ) : (
          // Back from the confirmation, focus returns here; on opening, the dialog focuses Copy.
          <button
            type="button"
            className="primary"
            onClick={() => setConfirmingClose(true)}
            autoFocus
          >
            Done
          </button>
        )
      }
    >
      {/* Heard as the dialog's description when it opens; a live region would say it twice. */}
      <Banner tone="warning" announce={false}>
        <span id={warningId}>
          Copy the secret now and store it in your CI secret store. It will not be shown again.
        </span>
      </Banner>
      {revealed.warning && (
        // What the issuer said beside the new token (npm's bypass-2FA warning, an old
        // token it could not delete): heard with the description, so not a live region.
        <Banner tone="warning" announce={false}>
          <span id={`${warningId}-vendor`}>{revealed.warning}</span>
        </Banner>
      )}
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
          // The name starts with what the button says, for speech control.
          aria-label={copied?.what === 'secret' ? 'Copy again' : 'Copy secret'}
        >
          {copied?.what === 'secret' ? 'Copy again' : 'Copy'}
        </button>
      </div>
      <p className="copy-status" role="status" aria-live="polite">
        {copyStatus}
      </p>
      {sendSection}
      {rotated && !rotation && (
        <Banner tone="warning">
          The previous secret no longer works. Update it wherever “{token.name}” is used.
        </Banner>
      )}
      {rotation && rotationPanel}

      <h3>Use it</h3>
      {token.issuer.kind === 'token-desk' ? (
        <ul className="snippets">
          {SNIPPET_KINDS.map((kind) => (
            <li key={kind} className="snippet">
              <div className="snippet-head">
                <span className="snippet-label" id={`snippet-${kind}`}>
                  {SNIPPET_LABELS[kind]}
                </span>
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => void copySnippet(kind)}
                  aria-label={`Copy the ${kind} snippet`}
                >
                  {copied?.what === 'snippet' && copied.kind === kind ? 'Copied' : 'Copy'}
                </button>
              </div>
              <pre className="snippet-text" aria-labelledby={`snippet-${kind}`}>
                <code>
                  {snippetText(kind, serviceUrl)
                    .split('\n')
                    .map((line, i) => (
                      <SnippetLine key={i} line={line} />
                    ))}
                </code>
              </pre>
            </li>
          ))}
        </ul>
      ) : (
        // The Capawesome snippets are for our service's tokens; another vendor's token is
        // used the way that vendor's own tools read it.
        <p className="vendor-use">{VENDOR_USE[token.issuer.kind as VendorKind]}</p>
      )}
    </Dialog>
  );
}
