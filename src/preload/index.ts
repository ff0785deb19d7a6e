/**
 * The bridge: one function per contract channel, built from the contract and
 * exposed with contextBridge. `ipcRenderer` itself never reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, methodName } from '../shared/ipc-channels.js';
import type { TokenDeskBridge } from '../shared/ipc-contract.js';

const bridge = Object.fromEntries(
  CHANNELS.map((channel) => [
    methodName(channel),
    (payload?: unknown) => ipcRenderer.invoke(channel, payload ?? null),
  ]),
) as unknown as TokenDeskBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
