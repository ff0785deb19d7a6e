/**
 * The bridge: one function per contract channel, and one subscription per main →
 * renderer event, built from the contract and exposed with contextBridge.
 * `ipcRenderer` itself never reaches the page, and neither does an IPC event
 * object: a subscriber gets the payload alone, and only one that passes its check.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_GLOBAL,
  CHANNELS,
  RENDERER_EVENTS,
  methodName,
  subscriptionName,
  type RendererEvent,
} from '../shared/ipc-channels.js';
import type { TokenDeskBridge } from '../shared/ipc-contract.js';

const invokers = CHANNELS.map((channel) => [
  methodName(channel),
  (payload?: unknown) => ipcRenderer.invoke(channel, payload ?? null),
]);

const subscriptions = (Object.keys(RENDERER_EVENTS) as RendererEvent[]).map((event) => [
  subscriptionName(event),
  (callback: unknown) => {
    if (typeof callback !== 'function') throw new TypeError(`${event} needs a callback`);
    const listener = (_event: IpcRendererEvent, payload: unknown) => {
      if (RENDERER_EVENTS[event](payload)) (callback as (payload: unknown) => void)(payload);
    };
    ipcRenderer.on(event, listener);
    return () => {
      ipcRenderer.removeListener(event, listener);
    };
  },
]);

const bridge = Object.fromEntries([...invokers, ...subscriptions]) as unknown as TokenDeskBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
