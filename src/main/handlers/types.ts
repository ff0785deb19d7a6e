/** What every feature's handlers are built from, and the shape they share. */
import type { Channel, PayloadOf, ResultOf } from '../../shared/ipc-contract.js';
import type { Connections } from '../connections/connections.js';
import type { ProviderAccounts } from '../connections/provider-accounts.js';
import type { CompanyNetwork } from '../net/company-network.js';
import type { ActivityService } from '../services/activity-service.js';
import type { DestinationService } from '../services/destination-service.js';
import type { ExpiryReminders } from '../services/expiry-reminders.js';
import type { RevealStore } from '../services/reveal-store.js';
import type { RotationService } from '../services/rotation-service.js';
import type { SecretClipboard } from '../services/secret-clipboard.js';
import type { SessionService } from '../services/session-service.js';
import type { SettingsService } from '../services/settings.js';

export type DeskHandlers = { [C in Channel]: (payload: PayloadOf<C>) => Promise<ResultOf<C>> };

/** One feature's channels. */
export type Handlers<C extends Channel> = Pick<DeskHandlers, C>;

export interface DeskDependencies {
  connections: Connections;
  sessions: SessionService;
  reveals: RevealStore;
  settings: SettingsService;
  clipboard: SecretClipboard;
  accounts: ProviderAccounts;
  destinations: DestinationService;
  rotations: RotationService;
  activity: ActivityService;
  network: CompanyNetwork;
  /** Null without a notifier port. */
  reminders: ExpiryReminders | null;
}
