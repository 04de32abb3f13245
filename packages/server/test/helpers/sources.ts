import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** packages/server/src/, the tree the architecture and boundary tests read. */
export const srcDir = new URL('../../src/', import.meta.url).pathname;

export interface SourceFile {
  /** relative to src/, with forward slashes: `payments/charges/service.ts` */
  path: string;
  text: string;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every TypeScript file under src/. */
export function sourceFiles(): SourceFile[] {
  return walk(srcDir).map((path) => ({ path: relative(srcDir, path), text: readFileSync(path, 'utf8') }));
}
