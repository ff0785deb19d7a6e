/**
 * The prompt window's preload: the page gets the prompt to show, submit and cancel,
 * nothing else. The nonce main opened this window with comes on the command line and
 * goes with every call; the page never sees it, nor `ipcRenderer`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  PROMPT_CHANNELS,
  PROMPT_GLOBAL,
  PROMPT_NONCE_SWITCH,
  type PromptBridge,
  type PromptSubmitResult,
  type PromptView,
} from '../shared/prompt-contract.js';

const nonce =
  process.argv
    .find((arg) => arg.startsWith(PROMPT_NONCE_SWITCH))
    ?.slice(PROMPT_NONCE_SWITCH.length) ?? '';

const bridge: PromptBridge = {
  request: () => ipcRenderer.invoke(PROMPT_CHANNELS.request, nonce) as Promise<PromptView | null>,
  submit: (values) =>
    ipcRenderer.invoke(PROMPT_CHANNELS.submit, nonce, values) as Promise<PromptSubmitResult>,
  cancel: async () => {
    await ipcRenderer.invoke(PROMPT_CHANNELS.cancel, nonce);
  },
};

contextBridge.exposeInMainWorld(PROMPT_GLOBAL, Object.freeze(bridge));
