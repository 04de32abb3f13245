import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The dependency rules (`.dependency-cruiser.cjs`, run by `npm run deps` in CI) catch what they claim to:
 * each rule is run on a small tree shaped like the repository, once with an import that breaks it and once
 * without, so a rule that never fires (a typo in a path pattern) fails here.
 */
const repo = new URL('../../../../', import.meta.url).pathname;
const roots: string[] = [];
// the rules as `npm run deps` reads them, run in-process (a depcruise process per tree took seconds each)
const options = extractDepcruiseOptions(join(repo, '.dependency-cruiser.cjs'));

type Tree = Record<string, string>;

async function check(tree: Tree): Promise<{ ok: boolean; output: string }> {
  const root = mkdtempSync(join(tmpdir(), 'tributary-deps-'));
  roots.push(root);
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = await cruise(['packages'], { ...(await options), baseDir: root, outputType: 'err' });
  return { ok: result.exitCode === 0, output: String(result.output) };
}

const s = 'packages/server/src';
const base: Tree = {
  [`${s}/db/client.ts`]: 'export const db = 1;\n',
  [`${s}/payments/service.ts`]: "import { db } from '../db/client.ts';\nexport const pay = db;\n",
  [`${s}/payments/repo.ts`]: "import { db } from '../db/client.ts';\nexport const rows = db;\n",
  [`${s}/invoices/service.ts`]: "import { pay } from '../payments/service.ts';\nexport const inv = pay;\n",
  [`${s}/stripe/client.ts`]: "import Stripe from 'stripe';\nexport const S = Stripe;\n",
  [`${s}/stripe/target.ts`]:
    "import { start } from '../../../sandbox/src/index.ts';\nexport const t = start;\n",
  'packages/sandbox/src/index.ts': 'export const start = 1;\n',
  'packages/web/src/main.ts': 'export const page = 1;\n',
  [`${s}/stripe/read-only.ts`]: "import type Stripe from 'stripe';\nexport type GetOnly = Stripe;\n",
  [`${s}/db/read-only.ts`]: "import { db } from './client.ts';\nexport const readOnly = db;\n",
  [`${s}/db/tenant.ts`]: "import { db } from './client.ts';\nexport const withTenant = db;\n",
  [`${s}/support/service.ts`]:
    "import { readOnly } from '../db/read-only.ts';\nimport { refresh } from '../payments/refresh.ts';\nimport type { GetOnly } from '../stripe/read-only.ts';\nexport const find = [readOnly, refresh] as unknown as GetOnly;\n",
  [`${s}/payments/refresh.ts`]: "import { db } from '../db/client.ts';\nexport const refresh = db;\n",
  [`${s}/support/audit.ts`]:
    "import { withTenant } from '../db/tenant.ts';\nexport const audit = withTenant;\n",
};

const breaks: Record<string, Tree> = {
  'no-cycle': {
    [`${s}/payments/a.ts`]: "import { b } from './b.ts';\nexport const a = b;\n",
    [`${s}/payments/b.ts`]: "import { a } from './a.ts';\nexport const b = a;\n",
  },
  'sandbox-stands-alone': {
    'packages/sandbox/src/index.ts':
      "import { db } from '../../server/src/db/client.ts';\nexport const start = db;\n",
  },
  'sandbox-through-its-embedding': {
    [`${s}/payments/repo.ts`]:
      "import { start } from '../../../sandbox/src/index.ts';\nexport const rows = start;\n",
  },
  'web-through-the-api': {
    'packages/web/src/main.ts':
      "import { pay } from '../../server/src/payments/service.ts';\nexport const page = pay;\n",
  },
  'infrastructure-knows-no-domain': {
    [`${s}/db/client.ts`]:
      "import type { pay } from '../payments/service.ts';\nexport const db = 1 as unknown as typeof pay;\n",
  },
  'domain-through-its-service': {
    [`${s}/invoices/service.ts`]: "import { rows } from '../payments/repo.ts';\nexport const inv = rows;\n",
  },
  'roots-take-assemblies': {
    [`${s}/app.ts`]: "import { rows } from './payments/repo.ts';\nexport const app = rows;\n",
  },
  // the full gateway (it writes), a writable transaction, another domain's front door: each breaks it
  'support-reads-only': {
    [`${s}/support/service.ts`]:
      "import { S } from '../stripe/client.ts';\nimport { withTenant } from '../db/tenant.ts';\nimport { pay } from '../payments/service.ts';\nexport const find = [S, withTenant, pay];\n",
  },
  'support-audit-writes-the-audit-only': {
    [`${s}/support/audit.ts`]: "import { pay } from '../payments/service.ts';\nexport const audit = pay;\n",
  },
  'stripe-through-the-gateway': {
    [`${s}/payments/repo.ts`]: "import type Stripe from 'stripe';\nexport type Rows = Stripe;\n",
  },
};

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('the dependency rules', () => {
  it('pass a tree that keeps them', async () => {
    const { ok, output } = await check(base);
    expect(output).not.toMatch(/error/);
    expect(ok).toBe(true);
  });

  for (const [rule, change] of Object.entries(breaks)) {
    it(`${rule} fails an import that breaks it`, async () => {
      const { ok, output } = await check({ ...base, ...change });
      expect(ok).toBe(false);
      expect(output).toContain(`error ${rule}:`);
    });
  }
});
