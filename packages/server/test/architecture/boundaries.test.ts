import { basename } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { importsOf, type SourceFile, sourceFiles, srcDir } from '../helpers/sources.ts';

/**
 * The layout docs/architecture.md describes, checked on the source's import statements. The other half of
 * the Stripe boundary — no file outside src/stripe/ imports the `stripe` package, types included — is
 * test/stripe/boundary.test.ts.
 */

/** Top-level folders of src/ that hold business logic. */
const domains = [
  'api-keys',
  'audit',
  'auth',
  'billing',
  'connect',
  'fees',
  'invoices',
  'payments',
  'subscriptions',
  'tenants',
  'webhooks',
];
/** Top-level folders that serve every domain and own no business rule. */
const infrastructure = ['cli', 'db', 'http', 'jobs', 'scope', 'stripe'];
/**
 * Where the domains are put together: the HTTP app, the worker, the CLI, and the job registry with the
 * maintenance job that runs each domain's clean-up.
 */
const isRoot = (path: string) =>
  ['app.ts', 'runtime.ts', 'main.ts', 'job-registry.ts', 'maintenance.ts'].includes(path) ||
  path.startsWith('cli/');

/** A module a composition root may take from a domain besides its service.ts: its routes, handlers, jobs. */
const isAssembly = (path: string) => /(^|-)routes\.ts$|^handlers\.ts$|^jobs\.ts$/.test(basename(path));

/**
 * Infrastructure that needs a domain, each import with its reason. Each goes through the domain's
 * service.ts; a new one needs a reason here, and one no longer made must go.
 */
const infrastructureUses: Record<string, string> = {};

/** Modules of a domain a composition root takes that are none of the above, each with its reason. */
const rootUses: Record<string, string> = {};

const domainOf = (path: string): string | null => {
  const top = path.split('/')[0]!;
  return path.includes('/') && domains.includes(top) ? top : null;
};

const files = sourceFiles();

interface Edge {
  from: SourceFile['path'];
  /** the file imported, relative to src/ */
  to: string;
  /** as the importing file writes it */
  specifier: string;
}

/** Every relative import from a file into another domain, once per pair of files. */
function crossImports(): Edge[] {
  const edges = new Map<string, Edge>();
  for (const file of files) {
    for (const { specifier, target } of importsOf(file)) {
      const to = target === null ? null : domainOf(target);
      if (target === null || to === null || to === domainOf(file.path)) continue;
      edges.set(`${file.path} ${target}`, { from: file.path, to: target, specifier });
    }
  }
  return [...edges.values()];
}

const describeEdge = (e: Edge) => `${e.from} imports '${e.specifier}'`;

describe('architecture: domain boundaries', () => {
  const edges = crossImports();

  it('reads the whole tree, and every top-level folder is a domain or infrastructure', () => {
    expect(files.length).toBeGreaterThan(140);
    const folders = [...new Set(files.filter((f) => f.path.includes('/')).map((f) => f.path.split('/')[0]))];
    expect(folders.filter((d) => !domains.includes(d!) && !infrastructure.includes(d!))).toEqual([]);
    expect(edges.length).toBeGreaterThan(50);
  });

  it("a domain reaches another domain only through that domain's service.ts", () => {
    const offending = edges
      .filter((e) => domainOf(e.from) && e.to !== `${domainOf(e.to)}/service.ts`)
      .map(describeEdge);
    expect(offending).toEqual([]);
  });

  it('a composition root takes from a domain its service.ts, routes, handlers and jobs only', () => {
    const offending = edges
      .filter((e) => isRoot(e.from))
      .filter((e) => e.to !== `${domainOf(e.to)}/service.ts` && !isAssembly(e.to))
      .filter((e) => !rootUses[`${e.from} → ${e.to}`])
      .map(describeEdge);
    expect(offending).toEqual([]);
    const made = new Set(edges.map((e) => `${e.from} → ${e.to}`));
    expect(Object.keys(rootUses).filter((k) => !made.has(k))).toEqual([]);
  });

  it('infrastructure uses a domain only where listed, and only through its service.ts', () => {
    const infra = edges.filter((e) => !domainOf(e.from) && !isRoot(e.from));
    // the list, for the reader of the test's output
    console.info(`infrastructure → domain imports:\n${infra.map((e) => `  ${describeEdge(e)}`).join('\n')}`);
    const unlisted = infra
      .filter((e) => !infrastructureUses[`${e.from} → ${domainOf(e.to)}`])
      .map(describeEdge);
    expect(unlisted).toEqual([]);
    const notThroughService = infra.filter((e) => e.to !== `${domainOf(e.to)}/service.ts`).map(describeEdge);
    expect(notThroughService).toEqual([]);
    const made = new Set(infra.map((e) => `${e.from} → ${domainOf(e.to)}`));
    expect(Object.keys(infrastructureUses).filter((k) => !made.has(k))).toEqual([]);
  });
});

describe('architecture: module load order', () => {
  // The front doors import each other (connect ⇄ webhooks, auth ⇄ tenants, …). A module that uses an
  // imported binding while it loads can find it undefined when its importer is still loading: each module
  // is loaded first, alone, as a test file or an entry point may.
  it('every module loads first, on its own', async () => {
    const failed: string[] = [];
    for (const file of files.filter((f) => f.path !== 'main.ts')) {
      vi.resetModules();
      await import(`${srcDir}${file.path}`).catch((err: Error) =>
        failed.push(`${file.path}: ${err.message}`),
      );
    }
    vi.resetModules();
    expect(failed).toEqual([]);
  }, 300_000);
});
