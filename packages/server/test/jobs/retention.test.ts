import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeOldEvents } from '../../src/maintenance.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';

/** Handled events are forgotten after EVENT_RETENTION_DAYS; what still needs the operator stays. */
describe('event retention', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { EVENT_RETENTION_DAYS: '7' } });
  });
  afterAll(() => t?.close());

  it('forgets old handled Stripe events and settled outbound events, keeps the rest', async () => {
    const mark = `ret${Date.now().toString(36)}`;
    const stripeEvent = (id: string, status: string, days: number) =>
      `insert into stripe_events (id, type, source, created, payload, status, received_at)
       values ('evt_${mark}${id}', 'customer.created', 'platform', now(), '{}', '${status}',
               now() - interval '${days} days')`;
    await ownerSql(
      t.database,
      [
        stripeEvent('oldok', 'processed', 10),
        stripeEvent('oldign', 'ignored', 10),
        stripeEvent('olddead', 'dead', 10),
        stripeEvent('oldfail', 'failed', 10),
        stripeEvent('newok', 'processed', 2),
        `insert into stripe_event_attempts (event_id, attempt, outcome, started_at, duration_ms)
         values ('evt_${mark}oldok', 1, 'processed', now(), 1)`,
        `insert into webhook_endpoints (url, secret) values ('https://app.example.com/${mark}', 'whsec_${mark}')`,
        `insert into outbound_events (type, data, created_at) values
           ('${mark}.settled', '{}', now() - interval '10 days'),
           ('${mark}.waiting', '{}', now() - interval '10 days'),
           ('${mark}.recent', '{}', now() - interval '1 day')`,
        `insert into outbound_deliveries (event_id, endpoint_id, status)
         select e.id, w.id, case when e.type = '${mark}.waiting' then 'pending' else 'succeeded' end
         from outbound_events e, webhook_endpoints w
         where e.type like '${mark}.%' and w.url = 'https://app.example.com/${mark}'`,
      ].join(';\n'),
    );
    const purged = await purgeOldEvents(t.database.db, t.config);
    expect(purged.stripe).toBeGreaterThanOrEqual(2);
    expect(purged.outbound).toBeGreaterThanOrEqual(1);
    const left = await systemRows<{ id: string }>(
      t.database,
      `select id from stripe_events where id like 'evt_${mark}%' order by id`,
    );
    expect(left.map((r) => r.id.slice(`evt_${mark}`.length))).toEqual(['newok', 'olddead', 'oldfail']);
    const attempts = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from stripe_event_attempts where event_id = 'evt_${mark}oldok'`,
    );
    expect(attempts[0]!.n).toBe(0);
    const outbound = await systemRows<{ type: string }>(
      t.database,
      `select type from outbound_events where type like '${mark}.%' order by type`,
    );
    expect(outbound.map((r) => r.type)).toEqual([`${mark}.recent`, `${mark}.waiting`]);
  });

  it('0 keeps everything; anything between 1 and 6 days is refused at start-up', async () => {
    const { loadConfig } = await import('../../src/config.ts');
    expect(() => loadConfig({ EVENT_RETENTION_DAYS: '3' } as never)).toThrow(/EVENT_RETENTION_DAYS/);
    expect(await purgeOldEvents(t.database.db, { ...t.config, EVENT_RETENTION_DAYS: 0 })).toEqual({
      stripe: 0,
      outbound: 0,
    });
  });
});
