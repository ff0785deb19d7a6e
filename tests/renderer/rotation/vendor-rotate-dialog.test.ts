/**
 * Rotate… for another vendor's token: what the dialog offers per source (a new expiry
 * within the source's longest, how the old value ends, GitHub's guided steps), what it
 * says before the person confirms, and what it sends. The choices as pure functions,
 * then the dialog as it renders (to markup, no browser).
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VendorRotateDialog } from '../../../src/renderer/src/features/rotation/components/VendorRotateDialog';
import {
  defaultPreset,
  expiryPresets,
  initialPick,
  replaceRefusal,
  rotateDialogKind,
  rotationChoice,
  styleChoices,
  type RotateMode,
} from '../../../src/renderer/src/features/rotation/vendor-rotation';
import { rotationWarning } from '../../../src/renderer/src/features/tokens/sources';
import type { DeskToken, InventorySource } from '../../../src/shared/ipc-contract';
import { NOW, source, token, vendorToken } from '../../support/renderer/tokens';

const npmSource = source('npm', {
  capabilities: { ...source('npm').capabilities, maxExpiryDays: 90, expiryRequired: false },
});
const gitlabSource = source('gitlab', {
  capabilities: { ...source('gitlab').capabilities, maxExpiryDays: 365, expiryRequired: true },
});
const labels = (t: DeskToken, s: InventorySource | undefined) =>
  expiryPresets(t, s).map((p) => p.label);

describe('what the vendor rotate dialog offers', () => {
  it('offers expiry presets within the source’s longest lifetime, and none where a vendor takes no expiry', () => {
    expect(labels(vendorToken('npm'), npmSource)).toEqual([
      'Same lifetime as now',
      '7 days',
      '30 days',
      '60 days',
      '90 days',
    ]);
    // GitLab requires one: no "same lifetime" choice, up to a year.
    expect(labels(vendorToken('gitlab'), gitlabSource)).toEqual([
      '7 days',
      '30 days',
      '60 days',
      '90 days',
      '180 days',
      '1 year',
    ]);
    expect(defaultPreset(expiryPresets(vendorToken('gitlab'), gitlabSource))?.label).toBe(
      '90 days',
    );
    expect(defaultPreset(expiryPresets(vendorToken('npm'), npmSource))?.label).toBe(
      'Same lifetime as now',
    );
    // Cloudflare keeps a date, not a lifetime; a replacement of an expired one needs a new date.
    expect(labels(vendorToken('cloudflare'), source('cloudflare'))[0]).toBe('Same expiry as now');
    expect(labels(vendorToken('cloudflare'), source('cloudflare')).length).toBeGreaterThan(1);
    expect(
      expiryPresets(vendorToken('cloudflare'), source('cloudflare'), 'replace').map((p) => p.days),
    ).not.toContain(null);
    expect(labels(vendorToken('github'), source('github'))).toEqual([]);
    expect(labels(token(), source('token-desk'))).toEqual([]);
    // A source the list does not know offers nothing rather than a guess.
    expect(labels(vendorToken('npm'), undefined)).toEqual([]);
  });

  it('offers a choice of style only for Cloudflare, making a new token by default', () => {
    expect(styleChoices(vendorToken('cloudflare'))).toEqual(['create-then-delete', 'at-once']);
    // A roll would keep an expired token's past expiry: its replacement is a new token.
    expect(styleChoices(vendorToken('cloudflare'), 'replace')).toEqual(['create-then-delete']);
    for (const kind of ['npm', 'gitlab', 'github'] as const)
      expect(styleChoices(vendorToken(kind))).toEqual([]);
    expect(styleChoices(token())).toEqual([]);
  });

  it('sends only what was chosen: an expiry as an instant that many days on, a style', () => {
    const [same, seven] = expiryPresets(vendorToken('npm'), npmSource);
    expect(rotationChoice(same!, null, NOW)).toEqual({});
    expect(rotationChoice(seven!, null, NOW)).toEqual({ expiresAt: '2026-06-08T12:00:00.000Z' });
    expect(rotationChoice(null, 'at-once', NOW)).toEqual({ style: 'at-once' });
    // A roll keeps the token's expiry: an expiry picked before switching to it is not sent.
    expect(rotationChoice(seven!, 'at-once', NOW)).toEqual({ style: 'at-once' });
    expect(rotationChoice(seven!, 'create-then-delete', NOW)).toEqual({
      expiresAt: '2026-06-08T12:00:00.000Z',
      style: 'create-then-delete',
    });
  });

  it('keeps our own tokens on their dialogs; GitHub’s is guided', () => {
    expect(rotateDialogKind(token())).toBe('ours');
    expect(rotateDialogKind(vendorToken('github'))).toBe('guided');
    for (const kind of ['npm', 'gitlab', 'cloudflare'] as const)
      expect(rotateDialogKind(vendorToken(kind))).toBe('vendor');
  });
});

const dialog = (t: DeskToken, s?: InventorySource, mode?: RotateMode) =>
  renderToStaticMarkup(
    createElement(VendorRotateDialog, {
      token: t,
      source: s,
      mode,
      warning: (style) => rotationWarning(style, '1 hour'),
      placesReady: true,
      onPlacesListed: () => undefined,
      onConfirm: () => Promise.resolve(),
      onCancel: () => undefined,
    }),
  );
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the vendor rotate dialog as it renders', () => {
  it('a GitLab personal token: the expiry asked, the at-once warning said before confirming', () => {
    const html = dialog(vendorToken('gitlab', { name: 'laptop' }), gitlabSource);
    expect(html).toContain('role="alertdialog"');
    expect(text(html)).toContain('Rotate “laptop”?');
    expect(html).toMatch(/role="radiogroup" aria-labelledby="[^"]+"/);
    expect(text(html)).toContain('New expiry');
    expect(html.match(/type="radio"/g)).toHaveLength(6);
    expect(html).toMatch(
      /<div class="banner banner-warning"><p>[^<]*pipelines running in between may fail/,
    );
    // The warning comes before the button that confirms.
    expect(html.indexOf('pipelines running in between')).toBeLessThan(html.indexOf('Rotate token'));
  });

  it('a Cloudflare token used in two places: both ways offered, the places listed, the count on the button', () => {
    const html = dialog(
      vendorToken('cloudflare', { name: 'dns', destinationCount: 2 }),
      source('cloudflare'),
    );
    expect(text(html)).toContain('Rotate “dns” and update 2 places?');
    expect(text(html)).toContain('Make a new token, then delete the old one');
    expect(text(html)).toContain('Roll the value now (the old one stops at once)');
    expect(html).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/>Make a new token/);
    expect(text(html)).toContain('Rotate and update 2 places');
    expect(text(html)).toContain('Listing the places…');
    // The new token may get a new expiry; by default it keeps the old one's date.
    expect(text(html)).toContain('New expiry');
    expect(html).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/>Same expiry as now/);
  });

  it('GitHub: the guided steps and “Open GitHub and continue”', () => {
    const html = dialog(
      vendorToken('github', { name: 'gh-ci', destinationCount: 1 }),
      source('github'),
    );
    expect(text(html)).toContain('Rotate “gh-ci” on GitHub?');
    expect(text(html)).toContain('Regenerate token');
    expect(text(html)).toContain('Open GitHub and continue');
    expect(text(html)).toContain('this window never sees it');
    expect(html).not.toContain('type="radio"');
  });
});

const projectFacts = {
  source: { kind: 'gitlab' as const, variant: 'project', label: 'GitLab project' },
  rotation: 'create-then-delete' as const,
  status: 'expired' as const,
};

describe('Replace… of an expired vendor token', () => {
  it('keeps the vendor’s choices, and says “the same lifetime” is counted from today', () => {
    expect(labels(vendorToken('npm'), npmSource)).toContain('Same lifetime as now');
    expect(expiryPresets(vendorToken('npm'), npmSource, 'replace').map((p) => p.label)).toEqual([
      'Same lifetime as before, from today',
      '7 days',
      '30 days',
      '60 days',
      '90 days',
    ]);
    expect(initialPick(vendorToken('npm'), npmSource, 'replace')).toEqual({
      preset: { days: null, label: 'Same lifetime as before, from today' },
      style: null,
    });
    expect(initialPick(vendorToken('gitlab'), gitlabSource, 'replace').preset?.days).toBe(90);
  });

  it('says where the vendor cannot give an expired token a working value, and nowhere else', () => {
    // GitLab refuses to rotate an expired personal token.
    expect(replaceRefusal(vendorToken('gitlab', { name: 'laptop' }))).toContain(
      'GitLab does not rotate an expired personal access token',
    );
    for (const t of [
      vendorToken('cloudflare', { name: 'dns' }),
      vendorToken('npm'),
      vendorToken('github'),
      vendorToken('gitlab', { facts: projectFacts }),
      token(),
    ])
      expect(replaceRefusal(t)).toBeNull();
  });

  it('a GitLab project token: “Replace”, the expiry GitLab requires, no grace period', () => {
    const html = dialog(
      vendorToken('gitlab', { name: 'old-bot', facts: projectFacts }),
      gitlabSource,
      'replace',
    );
    expect(html).toContain('role="alertdialog"');
    expect(text(html)).toContain('Replace “old-bot”?');
    expect(text(html)).toContain('“old-bot” has expired. A new token replaces “old-bot”');
    expect(text(html)).toContain('New expiry');
    expect(html).toMatch(/<input type="radio"[^>]*checked=""[^>]*\/>90 days/);
    expect(text(html)).toContain('Replace token');
    // Our own service's words are not the vendor's.
    expect(text(html)).not.toMatch(/grace|same lifetime counted from today|Rotate/);
  });

  it('an npm token used in a place: the places listed, the count on the button', () => {
    const html = dialog(
      vendorToken('npm', { name: 'publish', destinationCount: 1 }),
      npmSource,
      'replace',
    );
    expect(text(html)).toContain('Replace “publish” and update 1 place?');
    expect(text(html)).toContain('Same lifetime as before, from today');
    expect(text(html)).toContain('the old token is deleted once every place has the new one');
    expect(text(html)).toContain('Replace and update 1 place');
    expect(text(html)).toContain('Listing the places…');
  });

  it('GitHub: the guided way, titled Replace', () => {
    const html = dialog(vendorToken('github', { name: 'gh-ci' }), source('github'), 'replace');
    expect(text(html)).toContain('Replace “gh-ci” on GitHub?');
    expect(text(html)).toContain('“gh-ci” has expired.');
    expect(text(html)).toContain('Regenerate token');
    expect(text(html)).toContain('Open GitHub and continue');
  });

  it('a Cloudflare token: a new token with a new expiry, no roll offered', () => {
    const html = dialog(
      vendorToken('cloudflare', { name: 'dns' }),
      source('cloudflare'),
      'replace',
    );
    expect(text(html)).toContain('Replace “dns”?');
    expect(text(html)).toContain('New expiry');
    expect(text(html)).not.toContain('Same expiry as now');
    expect(text(html)).not.toContain('Roll the value now');
    expect(text(html)).toContain('Replace token');
  });

  it('a GitLab personal token: why not, and only Close', () => {
    for (const [t, kind] of [[vendorToken('gitlab', { name: 'laptop' }), 'gitlab']] as const) {
      const html = dialog(t, source(kind), 'replace');
      expect(text(html)).toContain(`Replace “${t.name}”?`);
      expect(text(html)).toContain(replaceRefusal(t)!);
      expect(text(html)).toContain('Close');
      expect(html).not.toContain('type="radio"');
      expect(text(html)).not.toContain('Replace token');
    }
  });

  it('a live token’s Rotate… is unchanged by the replace words', () => {
    const html = dialog(vendorToken('gitlab', { name: 'laptop' }), gitlabSource);
    expect(text(html)).not.toContain('has expired');
    expect(text(html)).not.toContain('from today');
  });
});
