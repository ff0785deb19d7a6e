/**
 * What credentials look like: Token Desk's own (`ca_`, `ses_`) and the CI
 * providers' (GitHub `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`github_pat_`, GitLab `glpat-`
 * and its siblings) and the other vendors' (npm `npm_`, Cloudflare `cfut_`/`cfat_`/`cfk_`). Used to refuse them where they never belong (destination
 * records) and to cut them out of text that came from outside (provider error
 * bodies) before it is shown or stored. Case-insensitive; a short run after the
 * prefix is enough, since even part of a secret helps whoever reads it.
 */
const SHAPES = [
  String.raw`(?:ca|ses)_[0-9a-z]{4,}`,
  String.raw`gh[pousr]_[0-9a-z]{4,}`,
  String.raw`github_pat_\w{4,}`,
  String.raw`gl(?:pat|ptt|dt|ft|cbt|imt|agent|soat|ffct|tst|rtr|wt|oas|rt)-[\w-]{4,}`,
  // npm (npm_ + 36) and Cloudflare (cfut_/cfat_/cfk_ + 40): a long run only, since
  // names like NPM_TOKEN or cf_api are everyday words in CI.
  String.raw`npm_[0-9a-z]{30,}`,
  String.raw`cf(?:ut|at|k)_[0-9a-z]{30,}`,
];

/** Matches anything shaped like a credential (global: use with replace). */
export const CREDENTIAL_SHAPED = new RegExp(`(?:${SHAPES.join('|')})`, 'gi');

export function looksLikeCredential(text: string): boolean {
  return new RegExp(CREDENTIAL_SHAPED.source, 'i').test(text);
}

/**
 * `text` with credential-shaped runs and every piece of 8 or more characters of a
 * known `secret` replaced by `[redacted]`: a provider that echoes what it was sent,
 * and a message cut to length mid-secret, both leave nothing usable behind.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length < 8) {
      if (secret.length >= 4) result = result.split(secret).join('[redacted]');
      continue;
    }
    // Longest pieces first, so a whole secret goes as one.
    for (let length = secret.length; length >= 8; length--) {
      for (let start = 0; start + length <= secret.length; start++) {
        const piece = secret.slice(start, start + length);
        if (result.includes(piece)) result = result.split(piece).join('[redacted]');
      }
    }
  }
  return result.replace(CREDENTIAL_SHAPED, '[redacted]');
}
