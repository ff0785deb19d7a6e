/**
 * Which pages main may hand to the user's browser (the ExternalLinksPort).
 */
import { isLoopbackServiceUrl } from '../../shared/service-url.js';
import { DeskError } from '../desk-error.js';

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
