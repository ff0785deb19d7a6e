/**
 * What the sign-up form checks before sending, so a person sees the rule next to the
 * field instead of the service's validator wording. The limits are the service's own
 * (src/shared/limits.ts, which CreateUserBody reads too).
 */
import {
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../../../../shared/limits';

export { PASSWORD_MIN_LENGTH };

// ajv-formats' full `email` rule, which the service's schema (`format: 'email'`) applies.
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/** Null when fine, else a sentence for the field. */
export function emailProblem(raw: string, forSignUp: boolean): string | null {
  const email = raw.trim();
  if (email === '') return 'Enter your email address.';
  if (!forSignUp) return null; // an existing account's address is the service's to judge
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL.test(email))
    return 'Enter an email address like name@example.com.';
  return null;
}

export function passwordProblem(password: string, forSignUp: boolean): string | null {
  if (password === '') return 'Enter your password.';
  if (!forSignUp) return null;
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH)
    return `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${length}).`;
  if (length > PASSWORD_MAX_LENGTH)
    return `Use at most ${PASSWORD_MAX_LENGTH} characters (this one has ${length}).`;
  return null;
}
