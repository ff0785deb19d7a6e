/** What IPC payloads share: field schemas, the channel shape and the error shape. */
import { Type, type TSchema } from 'typebox';
import { MAX_GRACE_PERIOD_SECONDS } from '../ci-destinations.js';
import { ID_PATTERN, TOKEN_ID_PATTERN } from '../ipc-channels.js';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, URL_MAX_LENGTH } from '../limits.js';

export const ServiceUrl = Type.String({ minLength: 1, maxLength: URL_MAX_LENGTH });

export const Email = Type.String({ minLength: 1, maxLength: EMAIL_MAX_LENGTH });

export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });

export const Id = Type.String({ pattern: ID_PATTERN, maxLength: 100 });

/** A token's id at its issuer (TOKEN_ID_PATTERN). */
export const TokenId = Type.String({ pattern: TOKEN_ID_PATTERN, maxLength: 256 });

export const RevealId = Type.String({ pattern: ID_PATTERN, maxLength: 100 });

export const GracePeriodSeconds = Type.Integer({ minimum: 0, maximum: MAX_GRACE_PERIOD_SECONDS });

export const NoPayload = Type.Null();

export function channel<Payload extends TSchema, Result>(payload: Payload) {
  return { payload, result: undefined as unknown as Result };
}

/** Errors cross the bridge as data: a stable code and a sentence a person can act on. */
export interface BridgeError {
  code: string;
  message: string;
}

export type BridgeResult<T> = { ok: true; value: T } | { ok: false; error: BridgeError };
