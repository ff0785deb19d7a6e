/**
 * What the Connected accounts section checks and says before anything reaches main:
 * an address the page can check (main checks it again, and asks about a new host in
 * its own dialog), a token that has a token's shape, and each connection in words.
 */
import type { ConnectionInfo } from '../../../../shared/ipc-contract';
import { PROVIDER_TOKEN_MAX_LENGTH, PROVIDER_TOKEN_PATTERN } from '../../../../shared/limits';
import { normalizeServiceUrl, SERVICE_URL_MESSAGES } from '../../../../shared/service-url';
import { PUBLIC_VENDOR_HOSTS, VENDOR_NAMES, type IssuingVendor } from '../../../../shared/vendors';
import { GITHUB_LOGIN } from '../../../../shared/github-login';

export { PUBLIC_VENDOR_HOSTS };

/** Where a GitHub account is unless the person names a GitHub Enterprise Server. */
export const PUBLIC_GITHUB = 'https://github.com';

type AddressVendor = IssuingVendor | 'github';
const ADDRESS_NAMES: Record<AddressVendor, string> = { ...VENDOR_NAMES, github: 'GitHub' };
const ADDRESS_EXAMPLES: Record<AddressVendor, string> = {
  ...PUBLIC_VENDOR_HOSTS,
  github: `${PUBLIC_GITHUB} or https://github.example.com`,
};

const TOKEN_SHAPE = new RegExp(PROVIDER_TOKEN_PATTERN);

/**
 * Why a typed registry or API address cannot be used, in the words main would use
 * (https, or http only to this computer; no user name, query or fragment); null when
 * it can. Empty is a problem here: the field starts filled with the public address.
 */
export function addressProblem(vendor: AddressVendor, raw: string): string | null {
  const name = ADDRESS_NAMES[vendor];
  const example = `for example ${ADDRESS_EXAMPLES[vendor]}`;
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

/** Why a typed GitHub login cannot be one; null when it can (it is sent trimmed). */
export function loginProblem(raw: string): string | null {
  const typed = raw.trim();
  if (typed === '') return 'Enter your GitHub login, the name in your profile’s address.';
  if (!GITHUB_LOGIN.test(typed))
    return 'A GitHub login is letters, digits and hyphens, such as “octocat” in github.com/octocat.';
  return null;
}

/** What a connection does, in words: GitHub has no API to make tokens, so it tracks them. */
export function rolesInWords(connection: Pick<ConnectionInfo, 'kind' | 'roles'>): string {
  const { roles } = connection;
  const issues = connection.kind === 'github' ? 'Tracks tokens' : 'Issues tokens';
  if (roles.issuesTokens && roles.storesSecrets) return `${issues} and stores CI secrets`;
  if (roles.issuesTokens) return issues;
  if (roles.storesSecrets) return 'Stores CI secrets';
  return 'Not used for tokens or CI secrets';
}

/** The kinds this section connects and disconnects itself (GitHub and GitLab have their own card). */
export const CONNECTABLE = ['npm', 'cloudflare'] as const satisfies readonly IssuingVendor[];

/**
 * Whether this section disconnects the connection: npm and Cloudflare, and a GitHub
 * account connected without a token (one with a token is removed under CI provider
 * accounts, which it also serves).
 */
export function isRemovableHere(connection: Pick<ConnectionInfo, 'kind' | 'roles'>): boolean {
  return (
    (CONNECTABLE as readonly string[]).includes(connection.kind) ||
    (connection.kind === 'github' && !connection.roles.storesSecrets)
  );
}

/** A GitHub account connected without an access token: it tracks tokens, and nothing is in the keychain. */
export const isTokenless = (connection: Pick<ConnectionInfo, 'kind' | 'roles'>): boolean =>
  connection.kind === 'github' && !connection.roles.storesSecrets;

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
