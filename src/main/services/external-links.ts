/**
 * Opening a page in the user's browser (Electron's shell.openExternal in the app, a
 * recording fake in tests). Main decides every URL handed to it; the renderer only
 * names a recorded place.
 */
import { isLoopbackServiceUrl } from '../../shared/service-url.js';
import { DeskError } from '../desk-error.js';

export interface ExternalLinksPort {
  open(url: string): Promise<void>;
}

/** https anywhere, http only to this computer (the local fakes); nothing else leaves the app. */
export function checkedExternalUrl(candidate: string): string {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new DeskError('unsafe_link', 'This settings page has no usable address.');
  }
  const allowed =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackServiceUrl(url.href));
  if (!allowed || url.username !== '' || url.password !== '')
    throw new DeskError(
      'unsafe_link',
      `Token Desk opens only https:// pages (or http:// on this computer); ${url.protocol}//${url.host} is neither.`,
    );
  return url.href;
}
