/* global document, getComputedStyle */
/**
 * Runs in the page (Playwright sends each function's own source, so each is whole on
 * its own): plain browser JavaScript, as in layout-probe.mjs. What a person using
 * forced colours (Windows High Contrast) would miss on the screen shown now.
 */

/** The focused element's ring, or why a person would not see one (null: it shows). */
export function focusRingProblem() {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${
    el.type ? `[${el.type}]` : ''
  } “${el.getAttribute('aria-label') ?? el.innerText?.trim().slice(0, 40) ?? ''}”`;
  const style = getComputedStyle(el);
  if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 1)
    return `${name} has focus and no outline`;
  if (style.outlineColor === 'rgba(0, 0, 0, 0)') return `${name} has focus and a clear outline`;
  return null;
}

/**
 * Buttons that would be bare words on the page: every visible button needs a drawn
 * border but links, icon buttons, a row's name and a menu's items (whose colour,
 * glyph or place in a list or a framed menu says what they are).
 */
export function unframedButtons() {
  const drawn = (style, side) =>
    !['none', 'hidden'].includes(style[`border${side}Style`]) &&
    parseFloat(style[`border${side}Width`]) >= 1 &&
    style[`border${side}Color`] !== 'rgba(0, 0, 0, 0)';
  return [...document.querySelectorAll('button')]
    .filter((el) => {
      const box = el.getBoundingClientRect();
      return (
        box.width > 0 &&
        box.height > 0 &&
        !el.matches('.link-button, .icon-button, .name-button, [role="menuitem"]')
      );
    })
    .filter((el) => {
      const style = getComputedStyle(el);
      return !['Top', 'Right', 'Bottom', 'Left'].every((side) => drawn(style, side));
    })
    .map((el) => `${el.className || 'button'} “${el.innerText.trim().slice(0, 40)}”`);
}

/** How elements stand out: each edge's colour (null when none shows), fill, text, outline. */
export function marksOf(elements) {
  return elements.map((el) => {
    const style = getComputedStyle(el);
    const edge = (side) =>
      !['none', 'hidden'].includes(style[`border${side}Style`]) &&
      parseFloat(style[`border${side}Width`]) >= 1 &&
      style[`border${side}Color`] !== 'rgba(0, 0, 0, 0)'
        ? style[`border${side}Color`]
        : null;
    return {
      left: edge('Left'),
      bottom: edge('Bottom'),
      top: edge('Top'),
      background: style.backgroundColor,
      color: style.color,
      outline: style.outlineStyle === 'none' ? null : style.outlineColor,
    };
  });
}
