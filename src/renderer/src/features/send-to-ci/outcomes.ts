import type { SendResult } from '../../../../shared/ipc-contract';

/** One send and how it went, for the list under the form. */
export interface SendOutcome {
  key: number;
  label: string;
  state: 'sending' | 'created' | 'updated' | 'failed';
  message: string;
  settingsUrl?: string;
}

let lastOutcomeKey = 0;
export const nextOutcomeKey = (): number => ++lastOutcomeKey;

export function outcomeText(result: SendResult): string {
  const done = `${result.outcome === 'created' ? 'Created' : 'Updated'} ${result.label}.`;
  return result.recordProblem ? `${done} ${result.recordProblem.message}` : done;
}

/** Replaces an outcome with the same key (its progress), or adds it. */
export function upsert(list: SendOutcome[], outcome: SendOutcome): SendOutcome[] {
  return list.some((o) => o.key === outcome.key)
    ? list.map((o) => (o.key === outcome.key ? outcome : o))
    : [...list, outcome];
}
