/**
 * The connections a new token may come from, and what each one's form may offer:
 * read by the dialog itself (connections:list, then tokens:create-choices for the
 * chosen one), so the dialog's parent knows nothing of vendors.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ConnectionInfo, CreateChoices } from '../../../../../../shared/ipc-contract';
import { call, desk, messageOf } from '../../../../lib/bridge';

export interface CreateSource {
  connectionId: string;
  kind: ConnectionInfo['kind'];
  label: string;
}

const KIND_ORDER = ['token-desk', 'npm', 'gitlab', 'cloudflare', 'github'];

/** The source's label as the token list writes it: "npm · ada on registry.npmjs.org". */
export function sourceLabel(connection: ConnectionInfo): string {
  if (connection.kind === 'token-desk') return `${connection.kindName} · ${connection.login}`;
  let host = connection.shownHost;
  if (host === null) {
    try {
      host = new URL(connection.host).host;
    } catch {
      host = connection.host;
    }
  }
  return `${connection.kindName} · ${connection.login} on ${host}`;
}

/**
 * The issuing connections, our service's first. Until they arrive (or if they cannot
 * be read), only our service: its form works on its own, as it always did.
 */
export function useCreateSources(ownConnectionId: string): {
  sources: CreateSource[];
  problem: string | null;
} {
  const [sources, setSources] = useState<CreateSource[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call(desk().connectionsList())
      .then((connections) => {
        if (!live) return;
        const issuing = connections
          .filter((connection) => connection.roles.issuesTokens)
          .map((connection) => ({
            connectionId: connection.id,
            kind: connection.kind,
            label: sourceLabel(connection),
          }))
          .sort(
            (a, b) =>
              Number(b.connectionId === ownConnectionId) -
                Number(a.connectionId === ownConnectionId) ||
              KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
          );
        setSources(issuing);
      })
      .catch((error: unknown) => live && setProblem(messageOf(error)));
    return () => {
      live = false;
    };
  }, [ownConnectionId]);
  return { sources, problem };
}

export type ChoicesState =
  | { status: 'loading' }
  | { status: 'failed'; message: string }
  | { status: 'ready'; choices: CreateChoices };

/** What the chosen source's form may offer; null for our own service (its form needs nothing). */
export function useCreateChoices(connectionId: string | null): {
  state: ChoicesState | null;
  retry: () => void;
} {
  const [attempt, setAttempt] = useState(0);
  // Each answer is kept with the request it answers, so a late one for another source
  // (or an earlier attempt) is never shown as this one's.
  const [answer, setAnswer] = useState<{ key: string; state: ChoicesState } | null>(null);
  const key = `${connectionId}#${attempt}`;
  useEffect(() => {
    if (connectionId === null) return;
    let live = true;
    const settle = (state: ChoicesState) => live && setAnswer({ key, state });
    call(desk().tokensCreateChoices({ connectionId }))
      .then((choices) => settle({ status: 'ready', choices }))
      .catch((error: unknown) => settle({ status: 'failed', message: messageOf(error) }));
    return () => {
      live = false;
    };
  }, [connectionId, key]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  if (connectionId === null) return { state: null, retry };
  return { state: answer?.key === key ? answer.state : { status: 'loading' }, retry };
}
