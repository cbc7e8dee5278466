/**
 * Every arrow in src/ points one way: a module never reaches itself again through its imports,
 * type imports included (a type cycle still means neither side can be read or faked alone).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SRC = join(ROOT, 'src');

/** `from '…'`, side-effect `import '…'` and `import('…')`, relative ones only. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of one module, as src/-relative .ts paths. */
export function importsOf(file: string, text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(SPECIFIER)) found.add(resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
  return [...found];
}

/** The strongly connected components with more than one module (or a module importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('import graph of src/', () => {
  it('has no cycle, type imports included', () => {
    const graph = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) graph.set(file, importsOf(file, readFileSync(file, 'utf8')));
    const named = cycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' ↔ '));
    assert.deepEqual(named, [], `import cycles in src/:\n${named.join('\n')}`);
  });

  it('finds a cycle through a type import', () => {
    const graph = new Map([
      ['/a.ts', importsOf('/a.ts', "import type { B } from './b.js';")],
      ['/b.ts', importsOf('/b.ts', "import { a } from './a.js';")],
      ['/c.ts', importsOf('/c.ts', "import { a } from './a.js';")],
    ]);
    assert.deepEqual(cycles(graph), [['/a.ts', '/b.ts']]);
  });
});
