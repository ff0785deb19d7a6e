/**
 * Stable machine-readable codes the token service puts in every error body
 * (`{"statusCode":404,"code":"token_not_found","message":"..."}`). Clients branch on
 * these; the `message` beside them is for people.
 */
export const API_ERROR_CODES = [
  'invalid_request',
  'invalid_json',
  'invalid_name',
  'invalid_expiry',
  'invalid_destination',
  'invalid_tracked_token',
  'invalid_grace_period',
  'invalid_cursor',
  'unsupported_media_type',
  'payload_too_large',
  'route_not_found',
  'unauthorized',
  'invalid_token',
  'token_revoked',
  'token_expired',
  'session_expired',
  'session_required',
  'invalid_credentials',
  'too_many_requests',
  'service_busy',
  'host_not_allowed',
  'signup_disabled',
  'email_taken',
  'user_not_found',
  'token_not_found',
  'destination_not_found',
  'too_many_destinations',
  'destination_conflict',
  'tracked_token_not_found',
  'tracked_token_exists',
  'too_many_tracked_tokens',
  'too_many_tokens',
  'token_replaced',
  'session_not_found',
  'organization_not_found',
  'database_unavailable',
  'database_outcome_unknown',
  'database_full',
  'database_read_only',
  'internal_error',
] as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
