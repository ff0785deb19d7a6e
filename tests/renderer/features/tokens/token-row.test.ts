/**
 * A row as the window draws it (rendered to markup, no browser): a vendor's token
 * says its source and scopes, and what its source cannot say is a short word with the
 * sentence as its tooltip, never a blank or a warning.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TokenRow } from '../../../../src/renderer/src/features/tokens/components/TokenRow';
import type { DeskToken } from '../../../../src/shared/ipc-contract';
import { NOW, token, vendorToken } from '../../../support/renderer/tokens';

const row = (t: DeskToken) =>
  renderToStaticMarkup(
    createElement(TokenRow, {
      token: t,
      index: 0,
      top: 0,
      now: NOW,
      selected: false,
      open: false,
      activeColumn: null,
      menuOpen: false,
      onSelect: () => undefined,
      onDetails: () => undefined,
      onMenu: () => undefined,
    }),
  );

/** One cell's markup: from its opening tag to the next cell's. */
const cell = (html: string, name: string) =>
  html.split('role="gridcell"').find((part) => part.startsWith(` class="${name}`)) ?? '';

describe('TokenRow', () => {
  it('says an npm token’s last use is not listed, with npm’s sentence as its tooltip', () => {
    const html = row(
      vendorToken('npm', {
        lastUsedAt: null,
        facts: { unknown: { lastUse: 'npm does not list when a token was last used.' } },
      }),
    );
    const used = cell(html, 'cell-used');
    expect(used).toContain('Not listed');
    expect(used).toContain('title="npm does not list when a token was last used."');
    expect(html).not.toContain('Never used');
  });

  it('says a GitHub token’s expiry is unknown, with the reason as its tooltip', () => {
    const html = row(
      vendorToken('github', {
        expiresAt: null,
        facts: { unknown: { expiry: 'Unknown until the value is checked against GitHub.' } },
      }),
    );
    const expires = cell(html, 'cell-expires');
    expect(expires).toContain('>Unknown<');
    expect(expires).toContain('title="Unknown until the value is checked against GitHub."');
    expect(expires).not.toContain('Never');
  });

  it('names the source and its scopes in words, the whole text in the tooltip', () => {
    const html = row(
      vendorToken('gitlab', {
        facts: {
          source: { kind: 'gitlab', variant: 'project', label: 'GitLab project · acme/app' },
          scopes: ['Read the API', 'Write the repository'],
        },
      }),
    );
    const source = cell(html, 'cell-source');
    expect(source).toContain('GitLab project');
    expect(source).toContain('Read the API, Write the repository');
    expect(source).toContain(
      'title="GitLab project · acme/app: Read the API, Write the repository"',
    );
  });

  it('a disabled Cloudflare token wears the Disabled chip', () => {
    const html = row(vendorToken('cloudflare', { facts: { status: 'disabled' } }));
    expect(html).toContain('status-disabled');
    expect(html).toContain('Needs attention: Disabled at its source');
  });

  it('our own token reads as before: a prefix, a date, "Never used"', () => {
    const html = row(token({ lastUsedAt: null, expiresAt: null }));
    expect(cell(html, 'cell-used')).toContain('Never used');
    expect(cell(html, 'cell-expires')).toContain('>Never<');
  });
});
