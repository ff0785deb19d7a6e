import { Suspense, useState, type ReactNode } from 'react';
import type { ProviderAccountInfo } from '../../../../../shared/ipc-contract';
import { sendSecret } from '../api';
import { upsert, type SendOutcome } from '../outcomes';
import { lazyNamed, Loading } from '../../../components/Lazy';
import { SendOutcomes } from './SendOutcomes';

/** The form loads when first opened: most secrets are copied, not sent. */
const SendToCiDialog = lazyNamed(() => import('./SendToCiDialog').then((m) => m.SendToCiDialog));

interface Props {
  revealId: string;
  tokenName: string;
  /** Sends made before the reveal dialog opened (a row's Send to CI…). */
  initialOutcomes?: SendOutcome[];
  /** After each send that reached its place: the list's "Used in N places" changes. */
  onSent?: () => void;
  addAccountForm: (onAdded: (added: ProviderAccountInfo) => void) => ReactNode;
}

/** The reveal dialog's "Send to CI…": the button, how each send went, and the form, repeatable. */
export function SendFromReveal({
  revealId,
  tokenName,
  initialOutcomes = [],
  onSent,
  addAccountForm,
}: Props) {
  const [sending, setSending] = useState(false);
  const [outcomes, setOutcomes] = useState<SendOutcome[]>(initialOutcomes);
  return (
    <>
      <div className="send-ci-row">
        <span className="muted">Or put it straight into a CI secret store, no clipboard:</span>
        <button type="button" className="secondary" onClick={() => setSending(true)}>
          Send to CI…
        </button>
      </div>
      <SendOutcomes outcomes={outcomes} />
      {sending && (
        <Suspense fallback={<Loading />}>
          <SendToCiDialog
            title={`Send “${tokenName}” to CI`}
            intro="Token Desk encrypts the secret for GitHub, or sends it over https to GitLab, and records where it went (never the secret)."
            sendLabel="Send"
            repeatable
            outcomes={outcomes}
            onOutcome={(outcome) => {
              setOutcomes((before) => upsert(before, outcome));
              if (outcome.state === 'created' || outcome.state === 'updated') onSent?.();
            }}
            onClose={() => setSending(false)}
            deliver={(choice, overwrite) => sendSecret(revealId, choice, overwrite)}
            addAccountForm={addAccountForm}
          />
        </Suspense>
      )}
    </>
  );
}
