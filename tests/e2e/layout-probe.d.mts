/** See layout-probe.mjs: what is wrong with the page's layout, as sentences. */
export function layoutProblemsInPage(): string[];
