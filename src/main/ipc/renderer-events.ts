/**
 * Main → renderer events, one path like the invoke channels: the event must be in
 * RENDERER_EVENTS and its payload must pass that entry's check before anything is
 * sent. Whoever shows the page subscribes: Electron's glue sends it to our window's
 * webContents, the e2e harness forwards it to its page.
 */
import {
  RENDERER_EVENTS,
  type RendererEvent,
  type RendererEventPayload,
} from '../../shared/ipc-channels.js';

export type RendererEventListener = (event: RendererEvent, payload: unknown) => void;

export class RendererEvents {
  private readonly listeners = new Set<RendererEventListener>();

  subscribe(listener: RendererEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends RendererEvent>(event: E, payload: RendererEventPayload<E>): void {
    // A payload main built wrong is a bug here, not something to hand the page.
    if (!RENDERER_EVENTS[event](payload))
      throw new Error(`refusing to send ${event} with a payload that fails its check`);
    for (const listener of this.listeners) listener(event, payload);
  }
}
