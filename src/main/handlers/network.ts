/** Settings' "Company network": routes, trusted authorities, proxy sign-ins, a connection check. */
import type { DeskDependencies, Handlers } from './types.js';

export function networkHandlers({
  network,
}: DeskDependencies): Handlers<
  | 'network:status'
  | 'network:add-authority'
  | 'network:remove-authority'
  | 'network:proxy-sign-in'
  | 'network:proxy-sign-out'
  | 'network:check'
> {
  return {
    'network:status': () => network.status(),
    'network:add-authority': ({ scope }) => network.addAuthority(scope),
    'network:remove-authority': ({ fingerprint256, scope }) =>
      network.removeAuthority(fingerprint256, scope),
    'network:proxy-sign-in': ({ proxyOrigin, username, password }) =>
      network.proxySignIn(proxyOrigin, username, password),
    'network:proxy-sign-out': ({ proxyOrigin }) => network.proxySignOut(proxyOrigin),
    'network:check': ({ url }) => network.check(url),
  };
}
