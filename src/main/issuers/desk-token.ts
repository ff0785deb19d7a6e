/**
 * A token as the page receives it: the issuer's fields, its connection, and its facts
 * in words. Our service's tokens carry no facts of their own (its answers are its
 * API's), so they get ours here; every other issuer fills its own.
 */
import type { TokenFacts } from '../../shared/issuers/token-facts.js';
import type { DeskToken, TokenIssuerRef } from '../../shared/ipc-contract.js';
import type { IssuerToken } from './token-issuer.js';

export const TOKEN_DESK_FACTS: TokenFacts = {
  source: { kind: 'token-desk', variant: null, label: 'Token Desk' },
  scopes: [],
  rotation: 'grace',
  canRevoke: true,
  unknown: {},
  status: 'active',
};

export function toDeskToken(token: IssuerToken, issuer: TokenIssuerRef): DeskToken {
  const { facts, ...fields } = token;
  // A rotation's or a creation's answer also carries `previous` and `secret`: never part of a listed token.
  const {
    previous: _previous,
    secret: _secret,
    ...rest
  } = fields as typeof fields & { previous?: unknown; secret?: unknown };
  return { ...rest, issuer, facts: facts ?? TOKEN_DESK_FACTS };
}
