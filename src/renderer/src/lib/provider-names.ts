import type { Provider } from '../../../shared/ci-destinations';

/** How each CI provider is named on screen. */
export const PROVIDER_NAMES: Record<Provider, string> = { github: 'GitHub', gitlab: 'GitLab' };
