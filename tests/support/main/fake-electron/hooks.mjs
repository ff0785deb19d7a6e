// Node module loader hooks for the boot test: the bare specifier `electron`
// resolves to the recording stand-in (./electron.ts), and the stand-in's own
// TypeScript files are transpiled on load (Node 20 cannot run .ts by itself).
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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

export async function load(url, context, nextLoad) {
  if (url.startsWith(here.href) && url.endsWith('.ts')) {
    const source = await readFile(fileURLToPath(url), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: fileURLToPath(url),
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        sourceMap: false,
        inlineSourceMap: true,
      },
    });
    return { format: 'module', source: outputText, shortCircuit: true };
  }
  return nextLoad(url, context);
}
