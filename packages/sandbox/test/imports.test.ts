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

function graph(): Map<string, string[]> {
  const files = sources(SRC);
  return new Map(
    files.map((f) => [
      f,
      [...readFileSync(f, 'utf8').matchAll(IMPORT)].map((m) => resolve(dirname(f), m[1]!)),
    ]),
  );
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

  it('keeps every source file under 500 lines', () => {
    const long = sources(SRC)
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 500);
    expect(long).toEqual([]);
  });
});
