import { describe, expect, it, vi } from 'vitest';
import { sourceFiles, srcDir } from '../helpers/sources.ts';

/**
 * The layout (domains, front doors, infrastructure, composition roots) is checked by the dependency rules
 * (`npm run deps`, `.dependency-cruiser.cjs`; `dependency-rules.test.ts` shows each rule fires). What they
 * cannot see: a module that uses an imported binding while it loads. Each module is loaded first and alone,
 * as a test file or an entry point may load it.
 */
describe('architecture: module load order', () => {
  it('every module loads first, on its own', async () => {
    const failed: string[] = [];
    for (const file of sourceFiles().filter((f) => f.path !== 'main.ts')) {
      vi.resetModules();
      await import(`${srcDir}${file.path}`).catch((err: Error) =>
        failed.push(`${file.path}: ${err.message}`),
      );
    }
    vi.resetModules();
    expect(failed).toEqual([]);
  }, 300_000);
});
