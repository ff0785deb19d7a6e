/** A revealed secret's copy and forgetting, and the usage snippets. */
import { snippetText } from '../../shared/snippets.js';
import type { DeskDependencies, Handlers } from './types.js';

export function secretHandlers({
  settings,
  clipboard,
  reveals,
  sessions,
}: DeskDependencies): Handlers<'secret:copy' | 'secret:forget' | 'snippet:copy'> {
  return {
    async 'secret:copy'({ revealId }) {
      const clearsInSeconds = settings.get().clipboardClearSeconds;
      await clipboard.copySecret(reveals.secret(revealId), clearsInSeconds);
      return { clearsInSeconds };
    },

    async 'secret:forget'({ revealId }) {
      reveals.forget(revealId);
      return null;
    },

    async 'snippet:copy'({ kind }) {
      // Replaces a copied secret on the clipboard; SecretClipboard then stops waiting to clear it.
      await clipboard.copyText(snippetText(kind, sessions.serviceUrl));
      return null;
    },
  };
}
