/** The person's preferences. */
import { Type, type Static } from 'typebox';
import { MAX_GRACE_PERIOD_SECONDS } from '../ci-destinations.js';
import { CLIPBOARD_CLEAR_SECONDS } from '../settings-rules.js';
import { NoPayload, ServiceUrl, channel } from './fields.js';

/** The default grace period of "rotate and update N places": long enough for slow CI, 1 hour. */
export const ROTATION_GRACE_SECONDS = {
  min: 5 * 60,
  max: MAX_GRACE_PERIOD_SECONDS,
  default: 60 * 60,
} as const;

export const Settings = Type.Object(
  {
    serviceUrl: ServiceUrl,
    clipboardClearSeconds: Type.Integer({
      minimum: CLIPBOARD_CLEAR_SECONDS.min,
      maximum: CLIPBOARD_CLEAR_SECONDS.max,
    }),
    theme: Type.Union([Type.Literal('system'), Type.Literal('light'), Type.Literal('dark')]),
    rotationGraceSeconds: Type.Integer({
      minimum: ROTATION_GRACE_SECONDS.min,
      maximum: ROTATION_GRACE_SECONDS.max,
    }),
    /** Desktop notifications 7 days and 1 day before a token expires, and when it has. */
    expiryReminders: Type.Boolean(),
  },
  { additionalProperties: false },
);

export type Settings = Static<typeof Settings>;

const SettingsPatch = Type.Partial(Settings, { additionalProperties: false });

export const SETTINGS_CHANNELS = {
  'settings:get': channel<typeof NoPayload, Settings>(NoPayload),
  'settings:update': channel<typeof SettingsPatch, Settings>(SettingsPatch),
} as const;
