import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';
import { createDatabase, onPostgres } from '../helpers/db.ts';
import { assertSurvivesFaults, prepareLoadTarget } from '../helpers/write-load.ts';

/**
 * The server survives a restart of Postgres itself under write load. It restarts the
 * machine's whole Postgres server, so it runs only where nothing else uses it: `npm run test:long` sets
 * TRIBUTARY_PG_RESTART=1 for a vitest run of this file alone, after every other test.
 */
const enabled = onPostgres && process.env.TRIBUTARY_PG_RESTART === '1';

async function restartPostgres(): Promise<void> {
  // asynchronously: the load keeps running (and meeting the outage) while the server restarts
  await promisify(execFile)('sh', [
    '-c',
    'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart',
  ]);
}

describe.skipIf(!enabled)('a Postgres restart', () => {
  it('under write load: the process keeps serving, no acknowledged webhook is lost, no payment is made twice', async () => {
    const loaded = await createDatabase();
    const target = await prepareLoadTarget(loaded);
    try {
      await assertSurvivesFaults(target, restartPostgres, 2);
    } finally {
      await target.close();
      await loaded.close();
    }
  }, 600_000);
});
