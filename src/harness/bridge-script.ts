/**
 * The script the harness serves in place of the preload: the same bridge methods and
 * subscriptions, over fetch to the harness, with the per-run key from the URL fragment.
 */
import { BRIDGE_GLOBAL } from '../shared/ipc-channels.js';

/** `channels`: [channel, bridge method]; `events`: [event, subscription name]. */
export const bridgeScript = (
  channels: Array<[string, string]>,
  events: Array<[string, string]>,
) => `(() => {
  // Key from the URL fragment (never sent to the server as part of a URL), kept for reloads.
  const match = /key=([0-9a-f]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem('harness-key', match[1]);
    history.replaceState(null, '', location.pathname);
  }
  const key = sessionStorage.getItem('harness-key');
  const invoke = async (channel, payload) => {
    const response = await fetch('/__harness/invoke/' + encodeURIComponent(channel), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-harness-key': key || '' },
      body: JSON.stringify(payload === undefined ? null : payload),
    });
    return response.json();
  };
  const bridge = {};
  for (const [channel, method] of ${JSON.stringify(channels)}) bridge[method] = (payload) => invoke(channel, payload);
  // Main → page events (a reminder clicked) arrive as lines of JSON on one keyed stream.
  const listeners = new Map();
  for (const [event, name] of ${JSON.stringify(events)}) {
    listeners.set(event, new Set());
    bridge[name] = (callback) => {
      listeners.get(event).add(callback);
      return () => listeners.get(event).delete(callback);
    };
  }
  (async () => {
    const response = await fetch('/__harness/events', { headers: { 'x-harness-key': key || '' } });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffered.indexOf('\\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (!line) continue;
        const { event, payload } = JSON.parse(line);
        for (const callback of listeners.get(event) ?? []) callback(payload);
      }
    }
  })().catch(() => {});
  Object.defineProperty(window, ${JSON.stringify(BRIDGE_GLOBAL)}, { value: Object.freeze(bridge) });
})();`;
