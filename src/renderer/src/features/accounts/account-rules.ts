/**
 * What the sign-up form checks before sending, so a person sees the rule next to the
 * field instead of the service's validator wording. The service's own limits are in
 * src/shared/api-schemas.ts (CreateUserBody); tests/e2e/forms.spec.ts keeps these equal.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;
export const EMAIL_MAX_LENGTH = 254;

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
