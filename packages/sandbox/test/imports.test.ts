// The sandbox's modules form no import cycle (type-only imports included): a module reaches the modules below
// it, never back. A cycle is a sign that two files share work that belongs in a third one.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/g;
/** Imports that load the module at run time (not `import type`). */
const VALUE_IMPORT = /(?:^|\n)\s*import\s+(?!type\b)(?:[^'";]*?\s+from\s+)?'(\.[^']+)'/g;

function graph(pattern = IMPORT): Map<string, string[]> {
  const files = sources(SRC);
  return new Map(
    files.map((f) => [
      f,
      [...readFileSync(f, 'utf8').matchAll(pattern)].map((m) => resolve(dirname(f), m[1]!)),
    ]),
  );
}

function reachable(g: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [from];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(g.get(f) ?? []));
  }
  return seen;
}

/** Every cycle found by a depth-first walk, as the chain of files (relative to src/). */
function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (f: string) => {
    const at = path.indexOf(f);
    if (at >= 0) {
      found.push([...path.slice(at), f].map((x) => relative(SRC, x)));
      return;
    }
    if (done.has(f)) return;
    path.push(f);
    for (const d of g.get(f) ?? []) visit(d);
    path.pop();
    done.add(f);
  };
  for (const f of g.keys()) visit(f);
  return found;
}

describe('module structure', () => {
  it('has no import cycles in src/', () => {
    const g = graph();
    expect(g.size).toBeGreaterThan(50);
    expect([...g.values()].flat().every((d) => g.has(d))).toBe(true);
    expect(cycles(g)).toEqual([]);
  });

  it('loads every module that registers jobs, hooks or expandable fields with the routes', () => {
    // They register when loaded (onJob, onPaymentSucceeded, registerExpandOnly…): routes.ts must reach them.
    const loaded = reachable(graph(VALUE_IMPORT), join(SRC, 'routes.ts'));
    const registering = sources(SRC).filter((f) =>
      /^(onJob|on[A-Z]\w*|setRetryPlanner|registerExpandOnly)\(/m.test(readFileSync(f, 'utf8')),
    );
    expect(registering.length).toBeGreaterThan(5);
    expect(registering.filter((f) => !loaded.has(f)).map((f) => relative(SRC, f))).toEqual([]);
  });

  it('keeps every source file under 500 lines', () => {
    const long = sources(SRC)
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 500);
    expect(long).toEqual([]);
  });
});
