/** An account event in words: what happened, to what, by whom, with which client. */
import { CI_PROVIDER_SPECS } from '../../../../shared/ci-providers/registry';
import type { AccountEvent, EventKind } from '../../../../shared/events';

export const EVENT_LABELS: Record<EventKind, string> = {
  'token.created': 'Token created',
  'token.first_used': 'First used',
  'token.used_from_new_address': 'Used from a new address',
  'token.rotated': 'Rotated',
  'token.revoked': 'Revoked',
  'token.expired': 'Expired',
  'token.refused': 'Use refused',
  'destination.added': 'Sent to CI',
  'destination.removed': 'CI place forgotten',
  'tracked_token.added': 'Vendor token tracked',
  'tracked_token.removed': 'Vendor token forgotten',
  'session.signed_in': 'Signed in',
  'session.signed_out': 'Signed out',
  'session.sign_in_failed': 'Sign-in failed',
};

/** Who did it, in words: the app, a token on its own, or the service. */
export function actorWords(event: AccountEvent): string {
  if (event.actor.kind === 'session') return 'in Token Desk';
  if (event.actor.kind === 'api_token') return 'by an API token';
  return 'by the token service';
}

/**
 * The client a User-Agent names, in words where it is one people know; none for
 * Token Desk's own requests (its main process sends Node's default, "node").
 */
export function clientWords(event: AccountEvent): string | null {
  const agent = event.userAgent;
  if (!agent) return null;
  if (/^node$/i.test(agent)) return event.actor.kind === 'session' ? null : 'a Node.js program';
  if (/capawesome/i.test(agent)) return 'the Capawesome CLI';
  const curl = /^curl\/([\w.]+)/i.exec(agent);
  if (curl) return `curl ${curl[1]}`;
  if (/^Mozilla\//.test(agent)) return 'a web browser';
  return agent;
}

/** A place's provider by its display name; an unknown one as the service wrote it. */
function providerName(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  return CI_PROVIDER_SPECS.find((spec) => spec.id === id)?.displayName ?? id;
}

/** What the event's details add, as a phrase. */
export function detailWords(event: AccountEvent): string | null {
  const d = event.details;
  if (event.kind === 'token.revoked' && typeof d.reason === 'string')
    return d.reason === 'rotated'
      ? 'replaced by a rotation'
      : d.reason === 'grace_ended'
        ? 'its grace period ended'
        : d.bulk
          ? 'in a bulk revoke'
          : null;
  // The label says only that a use was refused; why is said here, once.
  if (event.kind === 'token.refused')
    return d.reason === 'revoked'
      ? 'the token had been revoked'
      : d.reason === 'expired'
        ? 'the token had expired'
        : 'the token was revoked or had expired';
  if (event.kind.startsWith('destination.') && typeof d.name === 'string') {
    const provider = providerName(d.provider);
    return provider ? `${d.name} on ${provider}` : d.name;
  }
  return null;
}
