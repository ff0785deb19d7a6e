/**
 * Token ids are each vendor's own: an npm key and a GitLab id can be the same string.
 * The list's rows, ticks, open details and bulk selection go by connection and id, so
 * ticking or opening one never takes the other with it.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TokenList } from '../../../src/renderer/src/features/tokens/components/TokenList';
import { bulkRevokePlan } from '../../../src/renderer/src/features/tokens/sources';
import {
  tokenKey,
  toggleSelection,
  visibleTokens,
} from '../../../src/renderer/src/features/tokens/view';
import type { DeskToken } from '../../../src/shared/ipc-contract';
import { NOW, source, vendorToken } from '../../support/renderer/tokens';

const SAME = 'abc123';
const atNpm = vendorToken('npm', { id: SAME, name: 'npm-publish' });
const atGitlab = vendorToken('gitlab', { id: SAME, name: 'gitlab-deploy' });
const list = [atNpm, atGitlab];

const render = (selected: ReadonlySet<string>, openId: string | null) =>
  renderToStaticMarkup(
    createElement(TokenList, {
      visible: list,
      query: '',
      now: NOW,
      withSources: true,
      onRevoke: () => undefined,
      onRotate: () => undefined,
      onSend: () => undefined,
      onDetails: () => undefined,
      onRevokeSelection: () => undefined,
      openId,
      onReplace: () => undefined,
      selected,
      onSelect: () => undefined,
      onSelectAll: () => undefined,
      onClearSelection: () => undefined,
    }),
  );

/** Each row's name and whether it is ticked and open, in order. */
function rows(html: string): Array<{ name: string; selected: boolean; open: boolean }> {
  return (
    [...html.matchAll(/<div class="token-row[^"]*"[^>]*role="row"[^>]*>/g)]
      // The header row has no token.
      .filter((m) => m[0].includes('data-token-key'))
      .map((m) => {
        const key = /data-token-key="([^"]+)"/.exec(m[0])![1]!;
        const token = list.find((t) => tokenKey(t) === key)!;
        return {
          name: token.name,
          selected: m[0].includes('aria-selected="true"'),
          open: m[0].includes('aria-current="true"'),
        };
      })
  );
}

describe('two sources holding the same token id', () => {
  it('have different keys', () => {
    expect(atNpm.id).toBe(atGitlab.id);
    expect(tokenKey(atNpm)).not.toBe(tokenKey(atGitlab));
  });

  it('ticking one ticks that one alone, and a Shift range counts each', () => {
    const one = toggleSelection(new Set(), list, atNpm, 0, null, false);
    expect([...one]).toEqual([tokenKey(atNpm)]);
    const both = toggleSelection(one, list, atGitlab, 1, tokenKey(atNpm), true);
    expect(both.size).toBe(2);
    const html = render(one, null);
    expect(rows(html)).toEqual([
      { name: 'npm-publish', selected: true, open: false },
      { name: 'gitlab-deploy', selected: false, open: false },
    ]);
  });

  it('opening one marks that row alone, and both rows are drawn', () => {
    const html = render(new Set(), tokenKey(atGitlab));
    expect(rows(html)).toEqual([
      { name: 'npm-publish', selected: false, open: false },
      { name: 'gitlab-deploy', selected: false, open: true },
    ]);
  });

  it('a bulk revoke of both goes to each source with its own id', () => {
    const plan = bulkRevokePlan(list, [source('npm'), source('gitlab', { revokeMany: 50 })]);
    expect(plan).toEqual([
      { connectionId: 'conn-npm', ids: [SAME], many: false },
      { connectionId: 'conn-gitlab', ids: [SAME], many: true },
    ]);
  });

  it('a search or a source filter keeps each', () => {
    const shown: DeskToken[] = visibleTokens(list, '', 'name', NOW, null, 'conn-gitlab');
    expect(shown.map((t) => t.name)).toEqual(['gitlab-deploy']);
  });
});
