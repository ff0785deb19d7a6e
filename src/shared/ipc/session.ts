/** Who is signed in: the Token Desk accounts on this computer and the active one. */
import { Type } from 'typebox';
import { Email, NoPayload, Password, ServiceUrl, channel } from './fields.js';

export type KeychainStatus = 'available' | 'unavailable';

export interface SignedInAccount {
  serviceUrl: string;
  email: string;
  name: string | null;
  /** The account's own connection: what its token channels name. */
  connectionId: string;
}

/** One account in the account menu: who and where, never the session. */
export interface AccountSummary extends SignedInAccount {
  active: boolean;
  /** False once its session ended (expired, signed out elsewhere): sign in to it again. */
  signedIn: boolean;
}

export interface SessionState {
  /** The active account, whose tokens the app shows; null on the sign-in screen. */
  account: SignedInAccount | null;
  /** Every account added on this computer, in the order they were added. */
  accounts: AccountSummary[];
  keychain: KeychainStatus;
  /** Set once, when the keychain first turned out to be unusable: why sessions are not remembered. */
  keychainMessage: string | null;
}

const SignInPayload = Type.Object(
  { serviceUrl: ServiceUrl, email: Email, password: Password },
  { additionalProperties: false },
);

const SignUpPayload = Type.Object(
  {
    serviceUrl: ServiceUrl,
    email: Email,
    password: Password,
    name: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

const AddAccountPayload = Type.Union([
  Type.Object(
    { mode: Type.Literal('sign-in'), serviceUrl: ServiceUrl, email: Email, password: Password },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      mode: Type.Literal('sign-up'),
      serviceUrl: ServiceUrl,
      email: Email,
      password: Password,
      name: Type.Optional(Type.String({ maxLength: 1000 })),
    },
    { additionalProperties: false },
  ),
]);

const AccountRefPayload = Type.Object(
  { serviceUrl: ServiceUrl, email: Email },
  { additionalProperties: false },
);

export const SESSION_CHANNELS = {
  'session:get': channel<typeof NoPayload, SessionState>(NoPayload),
  'session:sign-in': channel<typeof SignInPayload, SessionState>(SignInPayload),
  'session:sign-up': channel<typeof SignUpPayload, SessionState>(SignUpPayload),
  'session:sign-out': channel<typeof NoPayload, SessionState>(NoPayload),
  'accounts:list': channel<typeof NoPayload, AccountSummary[]>(NoPayload),
  'accounts:add': channel<typeof AddAccountPayload, SessionState>(AddAccountPayload),
  'accounts:switch': channel<typeof AccountRefPayload, SessionState>(AccountRefPayload),
  'accounts:sign-out': channel<typeof AccountRefPayload, SessionState>(AccountRefPayload),
} as const;
