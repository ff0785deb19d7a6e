// Node module loader hooks for the boot test: the bare specifier `electron`
// resolves to the recording stand-in (./electron.ts), and the stand-in's own
// TypeScript files are transpiled on load (Node 20 cannot run .ts by itself).
// Loading the TypeScript compiler costs each booted app over a second of CPU, so the
// output is kept in FAKE_ELECTRON_TRANSPILED (a folder of the test's app) by a hash of
// the source: the later boots of a test file read it from there.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = new URL('./', import.meta.url);
const fakeElectron = new URL('./electron.ts', here).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: fakeElectron, format: 'module', shortCircuit: true };
  // Inside the stand-in, `./x.js` means the TypeScript source `./x.ts` (NodeNext style).
  if (
    context.parentURL?.startsWith(here.href) &&
    specifier.startsWith('./') &&
    specifier.endsWith('.js')
  ) {
    const source = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(source))) {
      return { url: source.href, format: 'module', shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

async function transpile(path, source) {
  const { default: ts } = await import('typescript');
  return ts.transpileModule(source, {
    fileName: path,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
    },
  }).outputText;
}

async function transpiled(path, source) {
  const folder = process.env.FAKE_ELECTRON_TRANSPILED;
  if (!folder) return transpile(path, source);
  const kept = join(
    folder,
    `${createHash('sha256').update(path).update('\0').update(source).digest('hex')}.js`,
  );
  try {
    return await readFile(kept, 'utf8');
  } catch {
    const output = await transpile(path, source);
    await mkdir(folder, { recursive: true });
    // Written aside and renamed, so a boot running beside this one never reads half a file.
    const partial = `${kept}.${process.pid}`;
    await writeFile(partial, output);
    await rename(partial, kept);
    return output;
  }
}

export async function load(url, context, nextLoad) {
  if (url.startsWith(here.href) && url.endsWith('.ts')) {
    const path = fileURLToPath(url);
    const source = await transpiled(path, await readFile(path, 'utf8'));
    return { format: 'module', source, shortCircuit: true };
  }
  return nextLoad(url, context);
}
