/** Limits and choices for the app's settings, shared by main (enforces) and the renderer (explains). */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const CLIPBOARD_CLEAR_SECONDS = { min: 5, max: 600, default: 30 } as const;
