import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { appliedMigrationCount, shippedMigrationCount } from '../db/migrate.ts';
import type { Router } from './routing.ts';

const shipped = shippedMigrationCount();

export function healthRoutes(app: Router, database: Database): void {
  // GET /healthz — the process is up
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: { tags: ['ops'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({
      status: 'ok' as const,
    }),
  );

  // GET /readyz — the database answers and every shipped migration is applied
  app.get('/readyz', { config: { auth: 'public' }, schema: { tags: ['ops'] } }, async (_req, reply) => {
    try {
      await database.db.execute(sql`select 1`);
      const applied = await appliedMigrationCount(database);
      const ready = applied >= shipped;
      return reply.status(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'migrations_pending',
        database: 'ok',
        migrations: { applied, shipped },
      });
    } catch (err) {
      reply.log.warn({ err }, 'readiness check failed');
      return reply.status(503).send({ status: 'database_unavailable', database: 'error' });
    }
  });
}
