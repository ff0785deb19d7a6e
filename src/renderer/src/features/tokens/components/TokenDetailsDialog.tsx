import { Dialog } from '../../../components/Dialog';
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
  onClose: () => void;
}

/** A token's details in a narrow window: a modal dialog, its actions in the footer. */
export function TokenDetailsDialog({ gone, onClose, ...details }: Props) {
  return (
    <Dialog
      title={details.token.name}
      onDismiss={onClose}
      wide
      footer={
        <>
          {!gone && <TokenDetailsActions {...details} form="footer" />}
          <button type="button" className="primary" onClick={onClose} data-autofocus>
            Close
          </button>
        </>
      }
    >
      {gone ? (
        <TokenGoneNotice name={details.token.name} />
      ) : (
        <TokenDetailsContent key={tokenKey(details.token)} {...details} />
      )}
    </Dialog>
  );
}
