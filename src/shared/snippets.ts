/**
 * Ready-to-paste snippets for a new token, as the seed page documents them: the
 * Capawesome CLI, the Cloud API with curl, and a GitHub Actions step. They read the
 * token from CAPAWESOME_TOKEN instead of containing it: a secret belongs in the CI
 * secret store, never in a workflow file or shell history. The renderer shows and
 * main copies the very same text.
 */
import { isLoopbackServiceUrl } from './service-url.js';

export const SNIPPET_KINDS = ['github', 'cli', 'curl'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

/** Where the Capawesome CLI sends requests unless capawesome.config.json says otherwise. */
export const CAPAWESOME_CLOUD_API_URL = 'https://api.cloud.capawesome.io';

/**
 * One literal argument for any POSIX shell: single quotes keep everything literal
 * (`$`, backticks, `\`, newlines), and a single quote ends the quote, is escaped, and
 * reopens it. Applied even to checked URLs: the check is one wall, this is another.
 */
export function quoteForShell(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const CLI_LOGIN = 'npx @capawesome/cli login --token "$CAPAWESOME_TOKEN"';

/** The shell lines that sign the CLI in, pointing it at our service first if it is not Capawesome Cloud. */
function cliLines(serviceUrl: string): string[] {
  if (serviceUrl === CAPAWESOME_CLOUD_API_URL) return [CLI_LOGIN];
  const config = JSON.stringify({ API_BASE_URL: serviceUrl });
  return [
    '# The CLI talks to Capawesome Cloud unless capawesome.config.json points it elsewhere.',
    // printf, not echo: dash's echo would rewrite backslashes.
    `printf '%s\\n' ${quoteForShell(config)} > capawesome.config.json`,
    CLI_LOGIN,
  ];
}

function githubStep(serviceUrl: string): string {
  const lines: string[] = [];
  if (isLoopbackServiceUrl(serviceUrl)) {
    lines.push(
      `# A GitHub-hosted runner cannot reach ${serviceUrl} on this computer: use a self-hosted runner here, or a service URL the runner can reach.`,
    );
  }
  lines.push(
    '- name: Sign in to the Capawesome CLI',
    '  env:',
    '    CAPAWESOME_TOKEN: ${{ secrets.CAPAWESOME_TOKEN }}',
    '  run: |',
    ...cliLines(serviceUrl).map((line) => `    ${line}`),
  );
  return lines.join('\n');
}

export function snippetText(kind: SnippetKind, serviceUrl: string): string {
  switch (kind) {
    case 'github':
      return githubStep(serviceUrl);
    case 'cli':
      return cliLines(serviceUrl).join('\n');
    case 'curl':
      // /v1/users/me rather than the seed's /v1/apps, which needs an organizationId here.
      return `curl ${quoteForShell(`${serviceUrl}/v1/users/me`)} -H "Authorization: Bearer $CAPAWESOME_TOKEN"`;
  }
}

export const SNIPPET_LABELS: Record<SnippetKind, string> = {
  github:
    'GitHub Actions workflow step (store the token as the repository secret CAPAWESOME_TOKEN first)',
  cli: 'Capawesome CLI, with the token in CAPAWESOME_TOKEN',
  curl: 'Cloud API with curl',
};
