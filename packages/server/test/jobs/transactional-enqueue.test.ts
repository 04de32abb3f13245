import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { type Jobs, startJobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { purgeExpired } from '../../src/maintenance.ts';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';

// Jobs are enqueued inside tenant transactions as tributary_app: the job exists exactly when the data does.
describe('jobs', () => {
  let t: TestApp;
  let jobs: Jobs;
  beforeAll(async () => {
    t = await startTestApp();
    jobs = await startJobs(t.database, createLogger('silent'), { work: false, definitions: [] });
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  const countJobs = async (marker: string) => {
    const rows = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from pgboss.job where name = 'maintenance' and data->>'marker' = ${marker}`,
    );
    return rows[0]!.n;
  };

  it('a job sent in a committed tenant transaction exists; one in a rolled-back transaction does not', async () => {
    const tenant = await createTestTenant(t);
    await withTenant(t.database.db, tenant.id, async (tx) => {
      await jobs.sendInTx(tx, 'maintenance', { marker: 'committed' });
    });
    await expect(
      withTenant(t.database.db, tenant.id, async (tx) => {
        await jobs.sendInTx(tx, 'maintenance', { marker: 'rolled-back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await countJobs('committed')).toBe(1);
    expect(await countJobs('rolled-back')).toBe(0);
  });

  it('maintenance purges expired idempotency records and sessions', async () => {
    const result = await purgeExpired(t.database.db, t.config);
    expect(result).toMatchObject({
      idempotency: expect.any(Number),
      sessions: expect.any(Number),
      links: expect.any(Number),
      cardLinks: expect.any(Number),
    });
  });
});
