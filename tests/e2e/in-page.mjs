/* global document, HTMLInputElement, MutationObserver, indexedDB */
/**
 * Functions the specs run inside the page (Playwright sends their source), in plain
 * browser JavaScript for the same reason as layout-probe.mjs: the specs' TypeScript
 * project has no DOM types.
 */

/**
 * Milliseconds from a health-filter click (`action: 'filter'`, the button whose text
 * contains `text`) or a search keystroke (`action: 'search'`, the box set to `text`)
 * to React's commit of the changed token count.
 */
export async function timeCountChange({ action, text }) {
  const counter = [...document.querySelectorAll('.count')].at(-1);
  const before = counter.textContent;
  const start = performance.now();
  if (action === 'filter') {
    [...document.querySelectorAll('.health-count')]
      .find((button) => button.textContent?.includes(text))
      .click();
  } else {
    const input = document.querySelector('#search');
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  // Resolved when React commits the new count (a mutation, before the next frame).
  await new Promise((done) => {
    if (counter.textContent !== before) return done();
    const observer = new MutationObserver(() => {
      if (counter.textContent === before) return;
      observer.disconnect();
      done();
    });
    observer.observe(counter, { childList: true, characterData: true, subtree: true });
  });
  return performance.now() - start;
}

/** Everything the page keeps in localStorage, sessionStorage and IndexedDB, as JSON. */
export async function pageStorage() {
  const dump = (store) =>
    Object.fromEntries(
      Array.from({ length: store.length }, (_, i) => store.key(i)).map((k) => [
        k,
        store.getItem(k),
      ]),
    );
  return JSON.stringify({
    local: dump(localStorage),
    session: dump(sessionStorage),
    databases: await indexedDB.databases(),
  });
}
