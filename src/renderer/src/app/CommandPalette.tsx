import { useId, useState } from 'react';
import { Dialog } from '../components/Dialog';

/** Something the palette can do: its name, its keys if it has any, and what it runs. */
export interface Command {
  id: string;
  label: string;
  keys?: string;
  run: () => void;
}

const IS_MAC = /Mac/.test(navigator.platform);
/** A key with Ctrl, or Cmd on macOS, as the application menu shows it. */
export const withCommand = (key: string) => (IS_MAC ? `⌘${key}` : `Ctrl+${key}`);

/** Every word typed appears in the label, in any order, ignoring case. */
function matches(label: string, query: string): boolean {
  const text = label.toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

/**
 * Ctrl/Cmd+K: a combobox over every command. Typing narrows the list, the arrows
 * (Home, End) move, Enter runs the marked one, Esc closes.
 */
export function CommandPalette({
  commands,
  onClose,
}: {
  commands: readonly Command[];
  onClose: () => void;
}) {
  const [query, setQuery] = useState('');
  const [marked, setMarked] = useState(0);
  const listId = useId();
  const shown = commands.filter((command) => matches(command.label, query));
  const active = Math.min(marked, shown.length - 1);
  const optionId = (index: number) => `${listId}-${index}`;

  function run(command: Command | undefined) {
    if (!command) return;
    onClose();
    command.run();
  }

  return (
    <Dialog title="Commands" onDismiss={onClose}>
      <input
        type="text"
        role="combobox"
        aria-label="Command"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown[active] ? optionId(active) : undefined}
        placeholder="Type a command"
        autoComplete="off"
        spellCheck={false}
        data-autofocus
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setMarked(0);
        }}
        onKeyDown={(e) => {
          const last = shown.length - 1;
          const to: Record<string, number> = {
            ArrowDown: active >= last ? 0 : active + 1,
            ArrowUp: active <= 0 ? last : active - 1,
            Home: 0,
            End: last,
          };
          if (e.key in to) {
            e.preventDefault();
            setMarked(Math.max(0, to[e.key]!));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            run(shown[active]);
          }
        }}
      />
      <ul className="command-list" role="listbox" id={listId} aria-label="Commands">
        {shown.map((command, index) => (
          <li
            key={command.id}
            id={optionId(index)}
            role="option"
            aria-selected={index === active}
            className="command"
            onClick={() => run(command)}
            onMouseMove={() => setMarked(index)}
          >
            <span>{command.label}</span>
            {command.keys && <kbd className="command-keys">{command.keys}</kbd>}
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p className="muted">No command matches “{query}”.</p>}
    </Dialog>
  );
}
