import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** packages/server/src/, the tree the architecture tests read. */
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

export interface Import {
  /** as written: `../payments/service.ts`, `stripe` */
  specifier: string;
  /** for a relative specifier, the file it names, relative to src/; null for a package */
  target: string | null;
}

/**
 * The module specifiers a file imports, by TypeScript's own scanner (comments and strings are not imports):
 * static imports and re-exports, type-only ones included, side-effect imports and `import()`.
 */
export function importsOf(file: SourceFile): Import[] {
  const { importedFiles } = ts.preProcessFile(file.text, true, true);
  return importedFiles.map(({ fileName: specifier }) => ({
    specifier,
    target: specifier.startsWith('.')
      ? relative(srcDir, resolve(srcDir, dirname(file.path), specifier))
      : null,
  }));
}
