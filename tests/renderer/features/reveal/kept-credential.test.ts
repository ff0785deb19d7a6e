/**
 * The reveal after a rotation of a connection's own credential (a GitLab connection's
 * access token): main sends no value, and the dialog says so in words — kept in the
 * keychain, sent to N places, not shown — with nothing to copy or send. Rendered to
 * markup (no browser); an ordinary reveal beside it for contrast.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RevealDialog } from '../../../../src/renderer/src/features/reveal/components/RevealDialog';
import type { RevealedToken, RotationState } from '../../../../src/shared/ipc-contract';
import { vendorToken } from '../../../support/renderer/tokens';

const token = vendorToken('gitlab', { id: 'personal-7', name: 'token-desk' });
const SEND = 'SEND-SECTION-SLOT';
const PANEL = 'ROTATION-PANEL-SLOT';

function render(revealed: RevealedToken, rotation: RotationState | null = null): string {
  return renderToStaticMarkup(
    createElement(RevealDialog, {
      revealed,
      rotated: true,
      serviceUrl: 'https://desk.example.test',
      onClosed: () => {},
      rotation,
      sendSection: SEND,
      rotationPanel: PANEL,
    }),
  ).replace(/<[^>]+>/g, ' ');
}

const kept = (saved: boolean, places: number): RevealedToken => ({
  token,
  secret: '',
  revealId: 'reveal-kept',
  connectionCredential: { saved, places },
});

function rotationWith(statuses: Array<'updated' | 'failed'>): RotationState {
  return {
    id: 'rot-1',
    tokenName: 'token-desk',
    newTokenId: 'personal-8',
    oldTokenIds: [],
    graceEndsAt: null,
    finished: statuses.every((status) => status === 'updated'),
    oldRevoked: true,
    secretAvailable: true,
    problem: null,
    destinations: statuses.map((status, i) => ({
      destinationId: `d${i}`,
      provider: 'github',
      host: 'https://api.github.com',
      target: { kind: 'repository', owner: 'ada', repo: 'app' },
      name: `GITLAB_${i}`,
      label: `GITLAB_${i} in ada/app`,
      settingsUrl: 'https://github.com/ada/app/settings/secrets/actions',
      status,
      error: null,
    })),
  };
}

describe('a connection’s own credential, rotated', () => {
  it('says where the value went and that it is not shown; nothing to copy or send', () => {
    const text = render(kept(true, 0));
    expect(text).toContain('own access token');
    expect(text).toContain('GitLab connection');
    expect(text).toContain('keeps it in the keychain');
    expect(text).toContain('not shown here');
    expect(text).toContain('did not send it anywhere');
    expect(text).not.toMatch(/Copy/);
    expect(text).not.toContain(SEND);
    expect(text).not.toContain('Token secret');
  });

  it('counts the places the rotation updated, as they are retried', () => {
    expect(render(kept(true, 2), rotationWith(['updated', 'updated']))).toContain(
      'sent it to the 2 places',
    );
    expect(render(kept(true, 1), rotationWith(['updated', 'failed']))).toContain(
      'sent it to the 1 place',
    );
    expect(render(kept(true, 1), rotationWith(['updated', 'failed']))).toContain(PANEL);
  });

  it('a value the keychain refused: the connection must be added again, still not shown', () => {
    const text = render(kept(false, 0));
    expect(text).toContain('could not keep it in the keychain');
    expect(text).toContain('add the account again');
    expect(text).toContain('not shown here');
  });

  it('any other token still shows its secret with Copy and Send', () => {
    const text = render({ token, secret: 'glpat-shownOnce000000001', revealId: 'reveal-1' });
    expect(text).toContain('glpat-shownOnce000000001');
    expect(text).toContain('Copy');
    expect(text).toContain(SEND);
    expect(text).not.toContain('own access token');
  });
});
