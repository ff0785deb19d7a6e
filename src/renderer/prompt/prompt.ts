/**
 * Main's prompt page: one form built from the prompt main sent through this window's
 * own preload (or the harness's stand-in for it). Plain DOM, no React: the page is
 * tiny and loads nothing of the app's. Enter submits, Esc cancels; what was typed is
 * cleared from the form as soon as it is sent.
 */
import './prompt.css';
import { PROMPT_GLOBAL, type PromptBridge, type PromptView } from '../../shared/prompt-contract.js';

type Field = PromptView['fields'][number];

const bridge = (window as unknown as Record<string, PromptBridge | undefined>)[PROMPT_GLOBAL];
const root = document.getElementById('prompt-root')!;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props))
    if (value !== undefined) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What each kind of field is, for the browser and for password managers. */
function inputFor(field: Field, id: string, hintId: string | undefined): HTMLInputElement {
  const common = {
    id,
    name: field.id,
    required: field.optional ? undefined : '',
    spellcheck: 'false',
    autocapitalize: 'off',
    'aria-describedby': hintId,
  };
  switch (field.kind) {
    case 'password':
      return element('input', { ...common, type: 'password', autocomplete: 'current-password' });
    case 'one-time-code':
      return element('input', {
        ...common,
        type: 'text',
        class: 'code',
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
      });
    case 'secret':
      return element('input', { ...common, type: 'password', autocomplete: 'off' });
    case 'text':
      return element('input', { ...common, type: 'text', autocomplete: 'off' });
  }
}

/** The end state once the prompt is answered, cancelled or gone: one sentence. */
function showDone(title: string, sentence: string): void {
  document.title = 'Token Desk';
  root.replaceChildren(element('h1', {}, title), element('p', { class: 'message' }, sentence));
}

function show(view: PromptView, api: PromptBridge): void {
  document.title = view.title;
  const heading = element('h1', { id: 'prompt-title' }, view.title);
  const message = element('p', { id: 'prompt-message', class: 'message' }, view.message);
  const problem = element('p', { id: 'prompt-problem', class: 'problem', role: 'alert' });
  const form = element('form', {
    'aria-labelledby': 'prompt-title',
    'aria-describedby': 'prompt-message',
    novalidate: '',
  });
  const inputs = view.fields.map((field, index) => {
    const id = `prompt-field-${index}`;
    const hintId = field.hint ? `${id}-hint` : undefined;
    const input = inputFor(field, id, hintId);
    const wrapper = element('div', { class: 'field' });
    wrapper.append(element('label', { for: id }, field.label), input);
    if (field.hint) wrapper.append(element('p', { id: hintId, class: 'hint' }, field.hint));
    form.append(wrapper);
    return { field, input };
  });
  const cancel = element('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const submit = element('button', { type: 'submit', class: 'primary' }, view.submitLabel);
  const actions = element('div', { class: 'actions' });
  actions.append(cancel, submit);
  form.append(problem, actions);
  root.replaceChildren(heading, message, form);

  let busy = false;
  const clear = () => {
    for (const { input } of inputs) input.value = '';
  };
  const doCancel = async () => {
    if (busy) return;
    busy = true;
    clear();
    document.removeEventListener('keydown', onKey);
    await api.cancel();
    showDone('Cancelled', 'Nothing was sent. You can close this window.');
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      void doCancel();
    }
  };
  document.addEventListener('keydown', onKey);
  cancel.addEventListener('click', () => void doCancel());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (busy) return;
    const missing = ({ field, input }: (typeof inputs)[number]) =>
      !field.optional && input.value.trim() === '';
    const empty = inputs.find(missing);
    for (const entry of inputs) entry.input.setAttribute('aria-invalid', String(missing(entry)));
    if (empty) {
      problem.textContent = `Fill in ${empty.field.label}.`;
      empty.input.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    const values = Object.fromEntries(inputs.map(({ field, input }) => [field.id, input.value]));
    void api.submit(values).then(
      (result) => {
        busy = false;
        submit.disabled = false;
        if (result.ok) {
          clear();
          document.removeEventListener('keydown', onKey);
          showDone('Sent', 'Token Desk has what you typed. You can close this window.');
          return;
        }
        problem.textContent = result.message;
        inputs[0]?.input.focus();
      },
      () => {
        busy = false;
        submit.disabled = false;
        problem.textContent = 'Token Desk did not answer. Try again, or cancel.';
      },
    );
  });
  inputs[0]?.input.focus();
}

async function start(): Promise<void> {
  if (!bridge) return showDone('Nothing to answer', 'This window was not opened by Token Desk.');
  const view = await bridge.request().catch(() => null);
  if (!view)
    return showDone(
      'Nothing to answer',
      'This prompt is no longer open. Close this window and start again from Token Desk.',
    );
  show(view, bridge);
}

void start();
