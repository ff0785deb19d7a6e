import { useEffect, useRef, useState, type ReactNode } from 'react';
import { isUiCommand } from '../../../shared/ipc-channels';
import { desk } from '../lib/bridge';
import { CommandPalette, withCommand, type Command } from './CommandPalette';

export type Screen = 'tokens' | 'activity' | 'settings';

/** The screens, their names in the sidebar and their keys (listed in the application menu too). */
export const SCREENS: ReadonlyArray<{ screen: Screen; label: string; keys: string[] }> = [
  { screen: 'tokens', label: 'Tokens', keys: ['1'] },
  { screen: 'activity', label: 'Activity', keys: ['2'] },
  { screen: 'settings', label: 'Settings', keys: [','] },
];

/** Ctrl (Cmd on macOS) with the key, shown to assistive technology as both. */
const keyShortcuts = (keys: string[]) =>
  keys.flatMap((key) => [`Control+${key}`, `Meta+${key}`]).join(' ');

/** Ctrl/Cmd+K, the command palette. */
const isPaletteKey = (event: KeyboardEvent) =>
  (event.ctrlKey || event.metaKey) &&
  !event.shiftKey &&
  !event.altKey &&
  event.key.toLowerCase() === 'k';

/** A field that takes typed text, whose text Select All selects. */
const TEXT_FIELD =
  'input:not([type="checkbox"], [type="radio"], [type="button"], [type="submit"], [type="reset"], [type="range"], [type="color"], [type="file"]), textarea';

/** The screen a key press asks for, if any. */
export function screenForKey(event: KeyboardEvent, offered: readonly Screen[]): Screen | null {
  if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return null;
  const found = SCREENS.find(({ keys }) => keys.includes(event.key));
  return found && offered.includes(found.screen) ? found.screen : null;
}

interface Props {
  current: Screen;
  /** What this window offers: signed out, the sign-in form stands for Tokens and there is no Activity. */
  offered: readonly Screen[];
  signedIn: boolean;
  onGo: (screen: Screen) => void;
  /** What the shown screen offers the command palette beyond going to a screen. */
  commands: readonly Command[];
  children: ReactNode;
}

/**
 * The window's frame: a sidebar (a bar along the top in a narrow window) that names
 * every screen and marks the one shown, the command palette, and the screen itself.
 * Their keys work from anywhere but an open dialog, which owns the keyboard until it
 * closes.
 */
export function Navigation({ current, offered, signedIn, onGo, commands, children }: Props) {
  const [palette, setPalette] = useState(false);
  const go = useRef(onGo);
  useEffect(() => {
    go.current = onGo;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if (isPaletteKey(event)) {
        event.preventDefault();
        setPalette(true);
        return;
      }
      const screen = screenForKey(event, offered);
      if (!screen) return;
      event.preventDefault();
      go.current(screen);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [offered]);

  const shown = SCREENS.filter(({ screen }) => offered.includes(screen));
  const nameOf = (screen: Screen, label: string) =>
    screen === 'tokens' && !signedIn ? 'Sign in' : label;
  const everything: Command[] = [
    ...shown.map(({ screen, label, keys }) => ({
      id: `go-${screen}`,
      label: `Go to ${nameOf(screen, label)}`,
      keys: withCommand(keys[0]!),
      run: () => onGo(screen),
    })),
    ...commands,
  ];
  const offeredNow = useRef(everything);
  useEffect(() => {
    offeredNow.current = everything;
  });

  // The application menu's commands. One the palette offers now (a screen, a new token)
  // runs as the palette would run it; one it does not offer now (Activity while signed
  // out, New Token away from the list) does nothing, as its keys would. The list's own
  // (search, clear selection) and the account menu are theirs to answer.
  useEffect(
    () =>
      desk().onUiCommand?.((command: unknown) => {
        // The preload checks this; the page checks again, for any other way in.
        if (!isUiCommand(command)) return;
        if (command === 'select-all') {
          // In a text field, its text, in a dialog too; the token list answers elsewhere.
          const field = document.activeElement;
          if (field instanceof HTMLElement && field.matches(TEXT_FIELD))
            (field as HTMLInputElement | HTMLTextAreaElement).select();
          return;
        }
        if (document.querySelector('dialog[open]')) return;
        if (command === 'command-palette') setPalette(true);
        else offeredNow.current.find(({ id }) => id === command)?.run();
      }),
    [],
  );

  return (
    <div className="app-shell">
      <nav className="app-nav" aria-label="Screens">
        <ul>
          {shown.map(({ screen, label, keys }) => (
            <li key={screen}>
              <a
                href={`#${screen}`}
                aria-current={screen === current ? 'page' : undefined}
                aria-keyshortcuts={keyShortcuts(keys)}
                onClick={(event) => {
                  event.preventDefault();
                  onGo(screen);
                }}
              >
                {nameOf(screen, label)}
              </a>
            </li>
          ))}
        </ul>
        <button
          type="button"
          className="link-button app-nav-commands"
          aria-keyshortcuts="Control+K Meta+K"
          onClick={() => setPalette(true)}
        >
          Commands… <kbd>{withCommand('K')}</kbd>
        </button>
      </nav>
      {palette && <CommandPalette commands={everything} onClose={() => setPalette(false)} />}
      <div className="app-screen">{children}</div>
    </div>
  );
}
