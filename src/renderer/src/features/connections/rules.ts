/**
 * What the Connected accounts section checks and says before anything reaches main:
 * an address the page can check (main checks it again, and asks about a new host in
 * its own dialog), a token that has a token's shape, and each connection in words.
 */
import type { ConnectionInfo } from '../../../../shared/ipc-contract';
import { PROVIDER_TOKEN_MAX_LENGTH, PROVIDER_TOKEN_PATTERN } from '../../../../shared/limits';
import { normalizeServiceUrl, SERVICE_URL_MESSAGES } from '../../../../shared/service-url';
import { PUBLIC_VENDOR_HOSTS, VENDOR_NAMES, type IssuingVendor } from '../../../../shared/vendors';

export { PUBLIC_VENDOR_HOSTS };

const TOKEN_SHAPE = new RegExp(PROVIDER_TOKEN_PATTERN);

/**
 * Why a typed registry or API address cannot be used, in the words main would use
 * (https, or http only to this computer; no user name, query or fragment); null when
 * it can. Empty is a problem here: the field starts filled with the public address.
 */
export function addressProblem(vendor: IssuingVendor, raw: string): string | null {
  const name = VENDOR_NAMES[vendor];
  const example = `for example ${PUBLIC_VENDOR_HOSTS[vendor]}`;
  if (raw.trim() === '') return `Enter the ${name} address, ${example}.`;
  const checked = normalizeServiceUrl(raw);
  if (checked.ok) return null;
  switch (checked.message) {
    case SERVICE_URL_MESSAGES.httpsNeeded:
      return `Use https:// for ${name}: over http:// your credentials would cross the network unencrypted. http:// is allowed only for this computer (localhost, 127.0.0.1, [::1]).`;
    case SERVICE_URL_MESSAGES.unparsable:
      return `Enter the ${name} address, ${example}.`;
    default:
      return checked.message.replace('The service URL', `The ${name} address`);
  }
}

/** Why a pasted token cannot be sent as it is; null when it can (it is sent trimmed). */
export function tokenProblem(raw: string, what: string): string | null {
  const typed = raw.trim();
  if (typed === '') return `Paste the ${what}.`;
  if (typed.length > PROVIDER_TOKEN_MAX_LENGTH)
    return `That is longer than any ${what} (at most ${PROVIDER_TOKEN_MAX_LENGTH.toLocaleString('en')} characters); paste it again.`;
  if (!TOKEN_SHAPE.test(typed))
    return `An ${what} has no spaces, line breaks or special characters; paste it again.`;
  return null;
}

/** What a connection does, in words. */
export function rolesInWords(roles: ConnectionInfo['roles']): string {
  if (roles.issuesTokens && roles.storesSecrets) return 'Issues tokens and stores CI secrets';
  if (roles.issuesTokens) return 'Issues tokens';
  if (roles.storesSecrets) return 'Stores CI secrets';
  return 'Not used for tokens or CI secrets';
}

/** The kinds this section connects and disconnects itself (GitHub and GitLab have their own card). */
export const CONNECTABLE = ['npm', 'cloudflare'] as const satisfies readonly IssuingVendor[];

export function isConnectable(kind: string): kind is (typeof CONNECTABLE)[number] {
  return (CONNECTABLE as readonly string[]).includes(kind);
}

/**
 * Each vendor connection's Disconnect button name: "Disconnect npm ada", with the host
 * added only when two connections would otherwise share the name.
 */
export function disconnectLabels(connections: readonly ConnectionInfo[]): Map<string, string> {
  const plain = (c: ConnectionInfo) => `Disconnect ${c.kindName} ${c.login}`;
  const counts = new Map<string, number>();
  for (const c of connections) counts.set(plain(c), (counts.get(plain(c)) ?? 0) + 1);
  return new Map(
    connections.map((c) => {
      const name = plain(c);
      const shared = (counts.get(name) ?? 0) > 1;
      return [c.id, shared ? `${name} on ${c.shownHost ?? hostOf(c.host)}` : name];
    }),
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
