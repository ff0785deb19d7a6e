/**
 * A row's Send to CI… of another vendor's token: the dialog asks that vendor's rotation
 * choices, with the words of its Rotate… (what becomes of the old value first, then a
 * new expiry or how the old value ends, or GitHub's guided steps), and what it sends
 * follows the choice. Rendered to markup, no browser.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VendorSendChoices } from '../../../src/renderer/src/features/rotation/components/VendorSendChoices';
import {
  expiryPresets,
  initialPick,
  rotationChoice,
  type RotationPick,
} from '../../../src/renderer/src/features/rotation/vendor-rotation';
import { SendToCiDialog } from '../../../src/renderer/src/features/send-to-ci/components/SendToCiDialog';
import { rotationWarning } from '../../../src/renderer/src/features/tokens/sources';
import type { DeskToken, InventorySource } from '../../../src/shared/ipc-contract';
import { NOW, source, vendorToken } from '../../support/renderer/tokens';

const DAY = 86_400_000;
const gitlabSource = source('gitlab', {
  capabilities: { ...source('gitlab').capabilities, maxExpiryDays: 365, expiryRequired: true },
});
const npmSource = source('npm', {
  capabilities: { ...source('npm').capabilities, maxExpiryDays: 90, expiryRequired: false },
});
const projectToken = (fields: Partial<DeskToken> = {}) =>
  vendorToken('gitlab', {
    name: 'deploy-bot',
    ...fields,
    facts: {
      source: { kind: 'gitlab', variant: 'project', label: 'GitLab project' },
      rotation: 'create-then-delete',
    },
  });

const choices = (
  t: DeskToken,
  s: InventorySource | undefined,
  pick: RotationPick = initialPick(t, s),
  busy = false,
) =>
  renderToStaticMarkup(
    createElement(VendorSendChoices, {
      token: t,
      source: s,
      pick,
      onPick: () => undefined,
      warning: (style) => rotationWarning(style, '1 hour'),
      busy,
      onPlacesListed: () => undefined,
    }),
  );
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the vendor’s choices in a row’s Send to CI…', () => {
  it('a GitLab project token: what becomes of the old token first, then the expiry GitLab requires', () => {
    const html = choices(projectToken(), gitlabSource);
    const said = html.indexOf('the old token is deleted once every place has the new one');
    expect(said).toBeGreaterThan(-1);
    expect(said).toBeLessThan(html.indexOf('New expiry'));
    expect(html).toMatch(/role="radiogroup" aria-labelledby="[^"]+"/);
    expect(html.match(/type="radio"/g)).toHaveLength(6);
    expect(html).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/>90 days/);
    expect(html).not.toContain('disabled');
    // No "same lifetime": GitLab requires an expiry.
    expect(text(html)).not.toContain('Same lifetime');
  });

  it('holds the choices still while the send runs', () => {
    const html = choices(projectToken(), gitlabSource, undefined, true);
    expect(html.match(/type="radio"[^>]*disabled=""/g)).toHaveLength(6);
  });

  it('Cloudflare: both ways, and the warning follows the way picked', () => {
    const cf = vendorToken('cloudflare', { name: 'dns' });
    const byDefault = choices(cf, source('cloudflare'));
    expect(text(byDefault)).toContain('How the old value ends');
    expect(byDefault).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/>Make a new token/);
    expect(text(byDefault)).toContain('the old token is deleted once every place has the new one');
    expect(text(byDefault)).not.toContain('may fail');
    const rolled = choices(cf, source('cloudflare'), { preset: null, style: 'at-once' });
    expect(rolled).toMatch(
      /<div class="banner banner-warning"><p>[^<]*pipelines running in between may fail/,
    );
    expect(rolled).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/>Roll the value now/);
  });

  it('a token already used in places: they are listed after the choices', () => {
    const html = choices(projectToken({ destinationCount: 2 }), gitlabSource);
    expect(text(html)).toContain('The new value also goes to:');
    expect(text(html)).toContain('Listing the places…');
    expect(html.indexOf('New expiry')).toBeLessThan(html.indexOf('The new value also goes to'));
  });

  it('GitHub: the guided steps, ending with the send; no radio', () => {
    const html = choices(vendorToken('github', { name: 'gh-ci' }), source('github'));
    expect(text(html)).toContain('Regenerate token');
    expect(text(html)).toContain('then sends it to the place you choose below.');
    expect(html).not.toContain('type="radio"');
  });

  it('sends what was picked: the expiry as an instant that many days on, the style; nothing for npm’s “same lifetime”', () => {
    const gitlabPick = initialPick(projectToken(), gitlabSource);
    expect(rotationChoice(gitlabPick.preset, gitlabPick.style, NOW)).toEqual({
      expiresAt: new Date(NOW + 90 * DAY).toISOString(),
    });
    const thirty = expiryPresets(projectToken(), gitlabSource).find((p) => p.days === 30)!;
    expect(rotationChoice(thirty, null, NOW)).toEqual({
      expiresAt: new Date(NOW + 30 * DAY).toISOString(),
    });
    const cf = initialPick(vendorToken('cloudflare'), source('cloudflare'));
    expect(rotationChoice(cf.preset, 'at-once', NOW)).toEqual({ style: 'at-once' });
    const npm = initialPick(vendorToken('npm'), npmSource);
    expect(rotationChoice(npm.preset, npm.style, NOW)).toEqual({});
    // The source not listed yet: nothing is guessed, so nothing is sent.
    const unknown = initialPick(projectToken(), undefined);
    expect(rotationChoice(unknown.preset, unknown.style, NOW)).toEqual({});
  });
});

describe('the send dialog with the choices as its notice', () => {
  const render = (notice: (busy: boolean) => string) =>
    renderToStaticMarkup(
      createElement(SendToCiDialog, {
        title: 'Send “deploy-bot” to CI',
        intro: 'intro',
        sendLabel: 'Rotate and send',
        deliver: () => Promise.reject(new Error('not sent')),
        outcomes: [],
        onOutcome: () => undefined,
        onClose: () => undefined,
        repeatable: false,
        notice: (busy: boolean) =>
          createElement('div', { 'data-notice': String(busy) }, notice(busy)),
        addAccountForm: () => null,
      }),
    );

  it('shows the notice first in the form, asked whether a send runs', () => {
    const html = render(() => 'OLD VALUE WORDS');
    expect(html).toContain('data-notice="false"');
    const form = html.indexOf('<form');
    const notice = html.indexOf('OLD VALUE WORDS');
    expect(form).toBeGreaterThan(-1);
    expect(notice).toBeGreaterThan(form);
    expect(notice).toBeLessThan(html.indexOf('Account'));
  });
});
