/* global document, getComputedStyle, innerWidth, innerHeight */
/**
 * Runs in the page (Playwright sends its source), so it is plain browser JavaScript;
 * the specs' TypeScript project has no DOM types. Returns what is wrong with the
 * layout on screen now, as sentences (empty when all is well): for each visible
 * control, every ancestor box must contain it (only sideways for an ancestor that
 * scrolls vertically, whose rows may be out of view); nothing scrolls sideways; a
 * secret, a time or an expiry is never cut; the table's header lines up with its rows.
 */
export function layoutProblemsInPage() {
  const problems = [];
  const describe = (el) => {
    const label = el.getAttribute('aria-label') ?? el.innerText?.trim().slice(0, 40) ?? '';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${
      el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''
    } “${label}”`;
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1)
    problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth})`);
  for (const dialog of document.querySelectorAll('dialog')) {
    if (dialog.scrollWidth > dialog.clientWidth + 1)
      problems.push(
        `${describe(dialog)} scrolls sideways (${dialog.scrollWidth} > ${dialog.clientWidth})`,
      );
    const box = dialog.getBoundingClientRect();
    if (box.left < 0 || box.right > innerWidth + 1 || box.top < 0 || box.bottom > innerHeight + 1)
      problems.push(`${describe(dialog)} does not fit in the window`);
    for (const el of dialog.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') {
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${describe(el)} scrolls sideways`);
      }
    }
  }
  for (const secret of document.querySelectorAll('[data-testid="secret"]')) {
    if (secret.scrollWidth > secret.clientWidth + 1) problems.push('the secret is cut off');
  }
  // Truncated cells: a time or an expiry must be shown whole.
  for (const cell of document.querySelectorAll(
    '.token-row .cell-created, .token-row .cell-used, .token-row .cell-expires, .token-row .cell-prefix, .token-row .cell-places',
  )) {
    if (cell.scrollWidth > cell.clientWidth + 1)
      problems.push(`${describe(cell)} is cut off (${cell.scrollWidth} > ${cell.clientWidth})`);
    // "Replaced, valid until …" may take two lines by design, each whole (checked above).
    const twoLines = cell.querySelector('.expiry-replaced') !== null;
    if (!twoLines && cell.getClientRects().length && cell.getBoundingClientRect().height > 30)
      problems.push(`${describe(cell)} wraps onto several lines`);
  }
  // The header lines up with the first row, column by column.
  const head = document.querySelector('.token-head');
  const row = document.querySelector('.token-scroller .token-row');
  if (head && row) {
    const heads = [...head.children].map((c) => c.getBoundingClientRect());
    const cells = [...row.children].map((c) => c.getBoundingClientRect());
    heads.forEach((h, i) => {
      const c = cells[i];
      if (Math.abs(h.left - c.left) > 1 || Math.abs(h.width - c.width) > 1)
        problems.push(
          `column ${i + 1}: header at ${h.left}+${h.width}, cells at ${c.left}+${c.width}`,
        );
    });
  }

  const controls = document.querySelectorAll(
    'button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])',
  );
  for (const control of controls) {
    const rect = control.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue; // not rendered
    if (control.closest('.visually-hidden')) continue;
    // Inside a box that scrolls vertically, a row half scrolled out of view is not
    // sticking out of the boxes around that scroller: it is clipped by it.
    let inScroller = false;
    for (let box = control.parentElement; box && box !== document.body; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.display === 'contents' || style.display === 'inline') continue;
      const outer = box.getBoundingClientRect();
      const scrollsVertically = style.overflowY === 'auto' || style.overflowY === 'scroll';
      if (scrollsVertically && (rect.bottom <= outer.top || rect.top >= outer.bottom)) break; // scrolled out of view
      const sideways = rect.left < outer.left - 0.5 || rect.right > outer.right + 0.5;
      const vertically =
        !scrollsVertically &&
        !inScroller &&
        (rect.top < outer.top - 0.5 || rect.bottom > outer.bottom + 0.5);
      if (scrollsVertically) inScroller = true;
      if (sideways || vertically) {
        problems.push(`${describe(control)} sticks out of ${describe(box)}`);
        break;
      }
      // A popup (a menu) floats over the page: past it, only the window contains it.
      // (Stacked above the page: the list's absolutely placed rows are not popups.)
      if (
        style.position === 'fixed' ||
        (style.position === 'absolute' && style.zIndex !== 'auto')
      ) {
        if (
          outer.left < 0 ||
          outer.top < 0 ||
          outer.right > innerWidth + 0.5 ||
          outer.bottom > innerHeight + 0.5
        )
          problems.push(`${describe(box)} does not fit in the window`);
        break;
      }
    }
  }
  return problems;
}

/**
 * The focused element's focus outline (its width and offset around the border box),
 * as sentences for each ancestor that clips part of it; empty when the ring shows whole.
 */
export function focusRingClipsInPage() {
  const el = document.activeElement;
  if (!el || el === document.body) return ['nothing is focused'];
  const style = getComputedStyle(el);
  if (style.outlineStyle === 'none') return ['the focused element has no outline'];
  const reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
  const box = el.getBoundingClientRect();
  const ring = {
    left: box.left - reach,
    top: box.top - reach,
    right: box.right + reach,
    bottom: box.bottom + reach,
  };
  const clips = [];
  for (let up = el.parentElement; up; up = up.parentElement) {
    const upStyle = getComputedStyle(up);
    if (upStyle.overflowX === 'visible' && upStyle.overflowY === 'visible') continue;
    const outer = up.getBoundingClientRect();
    const left = outer.left + up.clientLeft;
    const top = outer.top + up.clientTop;
    const clip = { left, top, right: left + up.clientWidth, bottom: top + up.clientHeight };
    if (
      ring.left < clip.left - 0.5 ||
      ring.top < clip.top - 0.5 ||
      ring.right > clip.right + 0.5 ||
      ring.bottom > clip.bottom + 0.5
    )
      clips.push(
        `${up.tagName.toLowerCase()}.${String(up.className).split(' ')[0]} clips the ring of “${
          el.getAttribute('aria-label') ?? el.textContent
        }”`,
      );
  }
  return clips;
}

/** An element's colours as computed: text, fill, outline, shadow, and its ::backdrop's fill. */
export function colorsOf(el) {
  const style = getComputedStyle(el);
  return {
    color: style.color,
    background: style.backgroundColor,
    outline: `${style.outlineStyle} ${style.outlineColor}`,
    boxShadow: style.boxShadow,
    backdrop: getComputedStyle(el, '::backdrop').backgroundColor,
  };
}

/** Whether an input's placeholder fits in its box whole (measured in the input's font). */
export function placeholderFits(input) {
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(input.placeholder).width <= room;
}
