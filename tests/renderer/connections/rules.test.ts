import { describe, expect, it } from 'vitest';
import type { ConnectionInfo } from '../../../src/shared/ipc-contract';
import {
  addressProblem,
  disconnectLabels,
  isRemovableHere,
  loginProblem,
  rolesInWords,
  tokenProblem,
} from '../../../src/renderer/src/features/connections/rules';

function connection(over: Partial<ConnectionInfo>): ConnectionInfo {
  return {
    id: 'c1',
    kind: 'npm',
    kindName: 'npm',
    host: 'https://registry.npmjs.org',
    shownHost: null,
    login: 'ada',
    roles: { issuesTokens: true, storesSecrets: false },
    ...over,
  };
}

describe('a registry or API address typed in a Connect dialog', () => {
  it('takes https anywhere, http only on this computer, with a path', () => {
    for (const ok of [
      'https://registry.npmjs.org',
      ' https://npm.example.com/private/ ',
      'http://127.0.0.1:4873/',
      'http://localhost:4873',
      'http://[::1]:4873',
      'https://api.cloudflare.com/client/v4',
    ])
      expect(addressProblem('npm', ok), ok).toBeNull();
  });

  it('refuses, in the words main uses, what main would refuse', () => {
    expect(addressProblem('npm', '')).toBe(
      'Enter the npm address, for example https://registry.npmjs.org.',
    );
    expect(addressProblem('cloudflare', '   ')).toBe(
      'Enter the Cloudflare address, for example https://api.cloudflare.com/client/v4.',
    );
    expect(addressProblem('npm', 'registry.npmjs.org')).toBe(
      'Enter the npm address, for example https://registry.npmjs.org.',
    );
    expect(addressProblem('npm', 'http://registry.example.com')).toMatch(
      /^Use https:\/\/ for npm: over http:\/\/ your credentials would cross the network unencrypted/,
    );
    expect(addressProblem('npm', 'javascript:alert(1)')).toBe(
      'The npm address must start with http:// or https://.',
    );
    expect(addressProblem('cloudflare', 'file:///etc/passwd')).toBe(
      'The Cloudflare address must start with http:// or https://.',
    );
    expect(addressProblem('npm', 'https://ada:pw@registry.example.com')).toBe(
      'The npm address must not contain a user name or password.',
    );
    expect(addressProblem('npm', 'https://registry.example.com/?token=x')).toBe(
      'The npm address must not contain a query or fragment.',
    );
    expect(addressProblem('npm', 'https://registry.example.com/a\nb')).toBe(
      'The npm address must not contain spaces, line breaks or control characters.',
    );
    expect(addressProblem('npm', 'https://registry.example.com/%0a')).toMatch(
      /^The npm address path may contain only/,
    );
  });
});

describe('a pasted token', () => {
  it('is sent trimmed when it has a token’s shape', () => {
    expect(tokenProblem(' npm_abcDEF123 \n', 'access token')).toBeNull();
    expect(tokenProblem('x'.repeat(1024), 'API token')).toBeNull();
  });

  it('is refused empty, with spaces or control characters, or longer than any token', () => {
    expect(tokenProblem('', 'access token')).toBe('Paste the access token.');
    expect(tokenProblem('  \t ', 'API token')).toBe('Paste the API token.');
    expect(tokenProblem('npm_two words', 'access token')).toBe(
      'An access token has no spaces, line breaks or special characters; paste it again.',
    );
    expect(tokenProblem('cfut_abc\nX-Other: 1', 'API token')).toMatch(/^An API token has no/);
    expect(tokenProblem('cfut_é', 'API token')).toMatch(/^An API token has no/);
    expect(tokenProblem('a'.repeat(10_240), 'API token')).toBe(
      'That is longer than any API token (at most 1,024 characters); paste it again.',
    );
  });
});

describe('a connection in words', () => {
  it('says what it does', () => {
    const of = (roles: { issuesTokens: boolean; storesSecrets: boolean }) =>
      rolesInWords({ kind: 'npm', roles });
    expect(of({ issuesTokens: true, storesSecrets: false })).toBe('Issues tokens');
    expect(of({ issuesTokens: false, storesSecrets: true })).toBe('Stores CI secrets');
    expect(of({ issuesTokens: true, storesSecrets: true })).toBe(
      'Issues tokens and stores CI secrets',
    );
    // GitHub makes no tokens through an API: its connections track them.
    expect(
      rolesInWords({ kind: 'github', roles: { issuesTokens: true, storesSecrets: false } }),
    ).toBe('Tracks tokens');
    expect(
      rolesInWords({ kind: 'github', roles: { issuesTokens: true, storesSecrets: true } }),
    ).toBe('Tracks tokens and stores CI secrets');
  });

  it('is disconnected here for npm, Cloudflare and a GitHub account without a token only', () => {
    const tracksOnly = { issuesTokens: true, storesSecrets: false };
    const both = { issuesTokens: true, storesSecrets: true };
    for (const kind of ['npm', 'cloudflare'] as const)
      expect(isRemovableHere({ kind, roles: tracksOnly })).toBe(true);
    expect(isRemovableHere({ kind: 'github', roles: tracksOnly })).toBe(true);
    // With a token it stores CI secrets: removed under CI provider accounts.
    expect(isRemovableHere({ kind: 'github', roles: both })).toBe(false);
    expect(isRemovableHere({ kind: 'gitlab', roles: both })).toBe(false);
    expect(isRemovableHere({ kind: 'token-desk', roles: tracksOnly })).toBe(false);
    expect(isRemovableHere({ kind: 'constructor' as 'npm', roles: tracksOnly })).toBe(false);
  });

  it('checks a GitHub login before anything is sent', () => {
    expect(loginProblem('  octocat ')).toBeNull();
    expect(loginProblem('eve_acme')).toBeNull();
    expect(loginProblem('')).toMatch(/Enter your GitHub login/);
    for (const bad of ['-ada', 'a.b', 'ada/x', 'ada smith', 'x'.repeat(101), 'ada\u200b'])
      expect(loginProblem(bad), bad).toMatch(/letters, digits and hyphens/);
  });

  it('names each Disconnect button by vendor and login, adding the host only when two would match', () => {
    const labels = disconnectLabels([
      connection({ id: 'a', login: 'ada' }),
      connection({
        id: 'b',
        login: 'ada',
        host: 'http://127.0.0.1:4873',
        shownHost: '127.0.0.1:4873',
      }),
      connection({ id: 'c', login: 'grace', shownHost: '127.0.0.1:4873' }),
      connection({
        id: 'd',
        kind: 'cloudflare',
        kindName: 'Cloudflare',
        login: 'ada',
        host: 'https://api.cloudflare.com/client/v4',
      }),
    ]);
    expect(Object.fromEntries(labels)).toEqual({
      a: 'Disconnect npm ada on registry.npmjs.org',
      b: 'Disconnect npm ada on 127.0.0.1:4873',
      c: 'Disconnect npm grace',
      d: 'Disconnect Cloudflare ada',
    });
  });
});
