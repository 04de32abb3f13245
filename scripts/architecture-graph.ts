// Redraws the graph of packages/server/src in docs/architecture.md from the imports themselves:
// one node per top-level folder, one arrow per folder that imports another. Arrows into the infrastructure
// (db/, http/, stripe/, jobs/ and the shared root files) and out of the composition roots are left out:
// every part may use the first, the second use every part, and drawing them would hide the rest.
//   node scripts/architecture-graph.ts          rewrite the graph
//   node scripts/architecture-graph.ts --check  fail when the committed graph is out of date (CI)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const repo = new URL('../', import.meta.url).pathname;
const doc = `${repo}docs/architecture.md`;
const START = '<!-- graph:start (npm run deps:graph) -->';
const END = '<!-- graph:end -->';
const SRC = 'packages/server/src/';
const INFRA = new Set(['db', 'http', 'scope', 'stripe', 'jobs']);
const ROOTS = 'roots';
const SHARED = 'shared';
const ROOT_FILES = new Set(['main.ts', 'app.ts', 'runtime.ts', 'job-registry.ts', 'maintenance.ts']);

interface Cruise {
  modules: { source: string; dependencies: { resolved: string }[] }[];
}

const sharedFiles = new Set<string>();

function part(path: string): string | null {
  if (!path.startsWith(SRC)) return null;
  const rest = path.slice(SRC.length);
  const slash = rest.indexOf('/');
  if (slash === -1 && !ROOT_FILES.has(rest)) sharedFiles.add(rest);
  if (slash === -1) return ROOT_FILES.has(rest) ? ROOTS : SHARED;
  return rest.startsWith('cli/') ? ROOTS : rest.slice(0, slash);
}

function graph(): string {
  const json = execFileSync(
    `${repo}node_modules/.bin/depcruise`,
    ['--config', '.dependency-cruiser.cjs', '--output-type', 'json', '--include-only', `^${SRC}`, SRC],
    { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const edges = new Set<string>();
  const parts = new Set<string>();
  for (const m of (JSON.parse(json) as Cruise).modules) {
    const from = part(m.source);
    if (!from) continue;
    parts.add(from);
    for (const d of m.dependencies) {
      const to = part(d.resolved);
      if (to && to !== from) parts.add(to);
      if (to && to !== from && from !== ROOTS && to !== SHARED && !INFRA.has(to))
        edges.add(`${from} --> ${to}`);
    }
  }
  const id = (p: string) => p.replace(/[^a-z0-9]/gi, '_');
  const node = (p: string) => {
    if (p === ROOTS) return `  ${ROOTS}[["${[...ROOT_FILES].join(', ')}, cli/"]]`;
    if (p === SHARED) return `  ${SHARED}[("${[...sharedFiles].sort().join(', ')}")]`;
    return `  ${id(p)}${INFRA.has(p) ? `[(${p}/)]` : `[${p}/]`}`;
  };
  const lines = [
    '```mermaid',
    'flowchart LR',
    ...[...parts].sort().map(node),
    ...[...edges].sort().map((e) => `  ${e.split(' --> ').map(id).join(' --> ')}`),
    '```',
  ];
  return lines.join('\n');
}

const text = readFileSync(doc, 'utf8');
const [before, rest] = text.split(START);
const after = rest?.split(END)[1];
if (before === undefined || after === undefined) throw new Error(`${doc} has no ${START} … ${END} block`);
const next = `${before}${START}\n${graph()}\n${END}${after}`;
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('docs/architecture.md: the graph is out of date; run `npm run deps:graph` and commit it.');
    process.exit(1);
  }
} else writeFileSync(doc, next);
