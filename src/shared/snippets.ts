export const SNIPPET_KINDS = ['github', 'cli', 'curl'] as const;
export type SnippetKind = (typeof SNIPPET_KINDS)[number];

/**
 * Ready-to-paste snippets for a new token. They read the token from the
 * CAPAWESOME_TOKEN secret instead of containing it: a secret belongs in the CI
 * secret store, never in a workflow file or shell history.
 */
export function snippetText(kind: SnippetKind, serviceUrl: string): string {
  switch (kind) {
    case 'github':
      return 'gh secret set CAPAWESOME_TOKEN';
    case 'cli':
      return 'npx @capawesome/cli login --token "$CAPAWESOME_TOKEN"';
    case 'curl':
      return `curl ${serviceUrl}/v1/users/me -H "Authorization: Bearer $CAPAWESOME_TOKEN"`;
  }
}

export const SNIPPET_LABELS: Record<SnippetKind, string> = {
  github: 'GitHub Actions: store it as a repository secret (paste the token when asked)',
  cli: 'Capawesome CLI in CI',
  curl: 'curl',
};
