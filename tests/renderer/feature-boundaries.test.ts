/**
 * The renderer's shape, checked: a feature imports only itself, the shared UI
 * (components/), lib/ and src/shared; features meet in app/, nowhere else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve('src/renderer/src');
const features = resolve(root, 'features');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  // Static imports, and the dynamic ones of screens and dialogs loaded when first opened.
  return [...text.matchAll(/(?:from\s+|import\s+|import\(\s*)'(\.[^']+)'/g)].map((m) =>
    resolve(dirname(file), m[1] as string),
  );
}

describe('renderer features', () => {
  it('import no other feature and not the app that composes them', () => {
    const crossings: string[] = [];
    for (const file of sources(features)) {
      const own = relative(features, file).split('/')[0];
      for (const target of relativeImports(file)) {
        const fromRoot = relative(root, target);
        const [top, feature] = fromRoot.split('/');
        if (top === 'app' || (top === 'features' && feature !== own))
          crossings.push(`${relative(root, file)} → ${fromRoot}`);
      }
    }
    expect(crossings).toEqual([]);
  });

  it('leave the shared UI and lib free of features', () => {
    const crossings: string[] = [];
    for (const dir of ['components', 'lib']) {
      for (const file of sources(resolve(root, dir))) {
        for (const target of relativeImports(file)) {
          const top = relative(root, target).split('/')[0];
          if (top === 'features' || top === 'app')
            crossings.push(`${relative(root, file)} → ${relative(root, target)}`);
        }
      }
    }
    expect(crossings).toEqual([]);
  });
});
