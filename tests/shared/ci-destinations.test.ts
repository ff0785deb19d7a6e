import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import {
  DestinationInput,
  checkDestinationName,
  describeDestinationTarget,
  describePlace,
  destinationSettingsUrl,
  providerOfTarget,
} from '../../src/shared/ci-destinations.js';

describe('where a token lives: the shared rules', () => {
  it('links each destination to its settings page on the provider', () => {
    const repo = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
    expect(
      destinationSettingsUrl({ provider: 'github', host: 'https://api.github.com', target: repo }),
    ).toBe('https://github.com/ada/app/settings/secrets/actions');
    expect(
      destinationSettingsUrl({
        provider: 'github',
        host: 'https://ghe.example.com/api/v3',
        target: repo,
      }),
    ).toBe('https://ghe.example.com/ada/app/settings/secrets/actions');
    expect(
      destinationSettingsUrl({
        provider: 'github',
        host: 'https://api.github.com',
        target: { kind: 'organization', org: 'acme', visibility: 'private' },
      }),
    ).toBe('https://github.com/organizations/acme/settings/secrets/actions');
    expect(
      destinationSettingsUrl({
        provider: 'gitlab',
        host: 'https://gitlab.example.com/gitlab',
        target: { kind: 'project', path: 'acme/mobile/app', environmentScope: '*' },
      }),
    ).toBe(
      'https://gitlab.example.com/gitlab/acme/mobile/app/-/settings/ci_cd#js-cicd-variables-settings',
    );
    expect(() =>
      destinationSettingsUrl({ provider: 'gitlab', host: 'https://gitlab.com', target: repo }),
    ).toThrow();
  });

  it('checks names as each provider does', () => {
    expect(checkDestinationName('github', 'CAPAWESOME_TOKEN')).toBeNull();
    expect(checkDestinationName('github', 'GITHUB_TOKEN')).toMatch(/GITHUB_/);
    expect(checkDestinationName('github', '1ABC')).toMatch(/digit/);
    expect(checkDestinationName('gitlab', '1ABC')).toBeNull();
    expect(checkDestinationName('gitlab', 'A-B')).toMatch(/letters, digits and underscores/);
    expect(checkDestinationName('gitlab', '')).toBe('Enter a name.');
  });

  it('refuses hostile destination fields at the schema', () => {
    const good = {
      provider: 'github',
      host: 'https://api.github.com',
      target: { kind: 'environment', owner: 'ada', repo: 'app', environment: 'production' },
      name: 'CAPAWESOME_TOKEN',
    };
    expect(Value.Check(DestinationInput, good)).toBe(true);
    const bad = [
      { ...good, host: 'javascript:alert(1)' },
      { ...good, host: 'https://user:pw@github.com' },
      { ...good, name: 'A B' },
      { ...good, target: { ...good.target, owner: '../etc' } },
      { ...good, target: { ...good.target, repo: '..' } },
      { ...good, target: { ...good.target, repo: '.' } },
      { ...good, target: { ...good.target, environment: 'prod\nuction' } },
      { ...good, target: { ...good.target, extra: 1 } },
      { ...good, target: { kind: 'project', path: 'a//b', environmentScope: '*' } },
      { ...good, target: { kind: 'project', path: '../x', environmentScope: '*' } },
      { ...good, secret: 'ca_…' },
    ];
    for (const value of bad) expect(Value.Check(DestinationInput, value)).toBe(false);
  });

  it('names the host in a place label unless it is github.com or gitlab.com', () => {
    const target = { kind: 'repository', owner: 'ada', repo: 'app' } as const;
    const name = 'CAPAWESOME_TOKEN';
    expect(
      describePlace({ provider: 'github', host: 'https://api.github.com', target, name }),
    ).toBe('CAPAWESOME_TOKEN in ada/app');
    // A look-alike of the real place on another server never reads the same.
    expect(
      describePlace({ provider: 'github', host: 'https://ghe.evil.example/api/v3', target, name }),
    ).toBe('CAPAWESOME_TOKEN in ada/app on ghe.evil.example');
    expect(
      describePlace({ provider: 'github', host: 'http://127.0.0.1:8080/api/v3', target, name }),
    ).toBe('CAPAWESOME_TOKEN in ada/app on 127.0.0.1:8080');
    const project = { kind: 'project', path: 'acme/app', environmentScope: '*' } as const;
    expect(
      describePlace({ provider: 'gitlab', host: 'https://gitlab.com', target: project, name }),
    ).toBe('CAPAWESOME_TOKEN in acme/app');
    expect(
      describePlace({
        provider: 'gitlab',
        host: 'https://gitlab.com.evil.example',
        target: project,
        name,
      }),
    ).toBe('CAPAWESOME_TOKEN in acme/app on gitlab.com.evil.example');
    // Direction-changing or invisible characters in a target cannot disguise the label.
    const rtl = {
      kind: 'environment',
      owner: 'ada',
      repo: 'app',
      environment: 'prod\u202eved',
    } as const;
    expect(
      describePlace({ provider: 'github', host: 'https://api.github.com', target: rtl, name }),
    ).toBe('CAPAWESOME_TOKEN in ada/app · prod\uFFFDved');
    // github.com's API host is not GitLab's public host, and the other way round.
    expect(
      describePlace({ provider: 'gitlab', host: 'https://api.github.com', target: project, name }),
    ).toBe('CAPAWESOME_TOKEN in acme/app on api.github.com');
  });

  it('knows which provider a target belongs to, and labels it', () => {
    expect(providerOfTarget({ kind: 'group', path: 'acme', environmentScope: '*' })).toBe('gitlab');
    expect(providerOfTarget({ kind: 'organization', org: 'acme', visibility: 'all' })).toBe(
      'github',
    );
    expect(
      describeDestinationTarget({
        kind: 'project',
        path: 'acme/app',
        environmentScope: 'production',
      }),
    ).toBe('acme/app · production');
  });
});
