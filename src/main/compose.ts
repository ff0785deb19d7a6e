/**
 * Builds the main process's services and handlers from what the runtime provides.
 * Electron's glue (index.ts) passes keytar, electron-store, Electron's clipboard,
 * save dialog, Notification and shell.openExternal; the e2e harness passes keytar, `conf`, an in-memory
 * clipboard and recording fakes. Same code either way. Whoever shows the page
 * subscribes to `rendererEvents`, and calls `reminders.start()` once it shows.
 */
import { createDeskHandlers } from './handlers/index.js';
import { openProviderWith } from './ci-providers/registry.js';
import { CompanyNetwork } from './net/company-network.js';
import { createOutbound } from './net/outbound.js';
import type { ProxyEnvironment } from './net/proxy-environment.js';
import { TrustedAuthorities } from './net/trusted-authorities.js';
import type { OpenProvider } from './ci-providers/secret-store.js';
import { ActivityService } from './services/activity-service.js';
import { ApiClient } from './services/api-client.js';
import { ExpiryReminders } from './services/expiry-reminders.js';
import { RendererEvents } from './ipc/renderer-events.js';
import { DestinationService } from './services/destination-service.js';
import { ProviderAccounts } from './connections/provider-accounts.js';
import { ConnectionVault } from './connections/vault.js';
import { RevealStore } from './services/reveal-store.js';
import { RotationService } from './services/rotation-service.js';
import { SecretClipboard } from './services/secret-clipboard.js';
import { SessionService, type AccountRef } from './services/session-service.js';
import { Connections } from './connections/connections.js';
import { tokenDeskFor } from './issuers/token-desk/token-desk-issuer.js';
import { trackedPlaces, trackedRecordsOf } from './issuers/tracked/tracked-records.js';
import { SettingsService } from './services/settings.js';
import { openLocalStore } from './local-store.js';
import {
  realTimers,
  type ClipboardPort,
  type ConfirmPort,
  type ExternalLinksPort,
  type Fetch,
  type Keychain,
  type KeyValueStore,
  type Log,
  type NotifierPort,
  type OpenDialogPort,
  type PromptPort,
  type SaveDialogPort,
  type Timers,
} from './ports.js';

export interface Runtime {
  keychain: Keychain | null;
  /** Why `keychain` is null, for the user (from loadKeytar). */
  keychainProblem?: string | null;
  store: KeyValueStore;
  clipboard: ClipboardPort;
  /**
   * Every outbound request (token service, GitHub, GitLab); by default the outbound
   * layer (src/main/net) with the proxy from `proxyEnvironment`, proxy sign-ins from
   * the keychain and the trusted authorities from settings.
   */
  fetch?: Fetch;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read; process.env by default. */
  proxyEnvironment?: ProxyEnvironment;
  /**
   * Electron's session.resolveProxy: the system's proxy settings and PAC scripts, in
   * place of the environment. The app passes it; tests and the harness use the env.
   */
  systemProxy?: (url: string) => Promise<string>;
  timers?: Timers;
  /** GitHub and GitLab clients; tests point the real ones at local fakes by host instead. */
  openProvider?: OpenProvider;
  /** Where an export goes (Electron's save dialog); without one, exports say they are unavailable. */
  saveDialog?: SaveDialogPort;
  /** Which CA file to add (Electron's open dialog); without one, adding an authority says it is unavailable. */
  openDialog?: OpenDialogPort;
  /** The time, for reminders and export names; tests inject the service's clock. */
  now?: () => number;
  /** Desktop notifications (Electron's Notification); without one, no reminders are checked. */
  notifier?: NotifierPort;
  /** The user's browser (Electron's shell.openExternal); without one, links say they are unavailable. */
  externalLinks?: ExternalLinksPort;
  /** Questions main asks in a native dialog (Electron's message box); without one, the answer is no. */
  confirm?: ConfirmPort;
  /** Main's own prompt for passwords, one-time codes and new values; without one, what needs it says so. */
  prompt?: PromptPort;
  /** Where main reports what it cannot show the user (the console in the app). */
  log?: Log;
}

const consoleLog: Log = {
  error: (message, detail) => console.error(`[token-desk] ${message}`, detail),
};

export function composeDesk(runtime: Runtime) {
  const timers = runtime.timers ?? realTimers;
  const settings = new SettingsService(runtime.store);
  // Each collection goes to the one service that owns it.
  const local = openLocalStore(runtime.store);
  const vault = new ConnectionVault(runtime.keychain, runtime.keychainProblem ?? null);
  const trustedAuthorities = new TrustedAuthorities(runtime.store);
  const proxyEnvironment = runtime.proxyEnvironment ?? process.env;
  const layer = createOutbound({
    env: proxyEnvironment,
    systemProxy: runtime.systemProxy ?? null,
    proxyCredentials: vault,
    trust: trustedAuthorities,
  });
  // A test's own fetch replaces the layer for the services; Settings' check still uses the layer.
  const outbound = runtime.fetch ?? layer;
  const api = new ApiClient({ fetch: outbound });
  const sessions = new SessionService({
    api,
    vault,
    settings,
    store: { knownAccounts: local.knownAccounts, lastAccount: local.lastAccount },
  });
  const reveals = new RevealStore(timers, sessions);
  const tokenDesk = tokenDeskFor(api, sessions);
  const clipboard = new SecretClipboard(runtime.clipboard, timers);
  const accounts = new ProviderAccounts({
    vault,
    store: { providerAccounts: local.providerAccounts, confirmedHosts: local.confirmedHosts },
    sessions,
    openProvider: runtime.openProvider ?? openProviderWith(outbound),
    confirm: runtime.confirm ?? null,
  });
  const now = runtime.now ?? Date.now;
  const connections = new Connections({
    sessions,
    accounts,
    vendorPlaces: (connection) => trackedPlaces(trackedRecordsOf(connection, { api, sessions })),
    issuers: {
      api,
      sessions,
      fetch: outbound,
      prompt: runtime.prompt ?? null,
      externalLinks: runtime.externalLinks ?? null,
      timers,
      now,
      credential: (connection) => accounts.credentialFor(connection.id, connection.owner),
      trustHost: (connection) => accounts.trustHost(connection.id, connection.owner),
      saveCredential: (connection, value) =>
        accounts.replaceCredential(connection.id, connection.owner, value),
    },
  });
  const issuerFor = (owner: AccountRef, connectionId?: string) =>
    connections.issuerFor(owner, connectionId);
  const destinations = new DestinationService({
    issuerFor,
    sessions,
    reveals,
    accounts,
    externalLinks: runtime.externalLinks ?? null,
  });
  const rotations = new RotationService({
    issuerFor,
    sessions,
    reveals,
    settings,
    destinations,
    timers,
    pending: local.pendingRotations,
    now,
  });
  const activity = new ActivityService({
    tokenDesk,
    sessions,
    saveDialog: runtime.saveDialog ?? null,
    now,
  });
  const network = new CompanyNetwork({
    outbound: layer,
    trust: trustedAuthorities,
    vault,
    openDialog: runtime.openDialog ?? null,
    confirm: runtime.confirm ?? null,
    serviceUrl: () => settings.get().serviceUrl,
    accountServiceUrls: () => sessions.accounts().map((account) => account.serviceUrl),
    proxySource: runtime.systemProxy ? 'system' : 'environment',
    env: proxyEnvironment,
  });
  const rendererEvents = new RendererEvents();
  const reminders = runtime.notifier
    ? new ExpiryReminders({
        issuersOf: (owner: AccountRef) => connections.issuersOf(owner),
        sessions,
        settings,
        shown: local.shownReminders,
        notifier: runtime.notifier,
        rendererEvents,
        timers,
        now,
        log: runtime.log ?? consoleLog,
      })
    : null;
  const handlers = createDeskHandlers({
    activity,
    reminders,
    connections,
    sessions,
    reveals,
    settings,
    clipboard,
    accounts,
    destinations,
    rotations,
    network,
  });
  // The services and the store go out too, so tests can look at the state they own.
  return {
    handlers,
    settings,
    local,
    /** The window's own collection: where it was, so it opens there again. */
    windowBounds: local.windowBounds,
    sessions,
    reveals,
    clipboard,
    accounts,
    connections,
    rotations,
    rendererEvents,
    reminders,
    /** The authorities a person added (Settings → Company network lists and adds them). */
    trustedAuthorities,
    network,
  };
}
