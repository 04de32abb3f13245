import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  platformMrrReport,
  recordPlanSubscription,
  recordPlanSuspension,
  recordTenantSubscription,
  tenantMrrReport,
} from '../../src/analytics/service.ts';
import type { Ctx } from '../../src/context.ts';
import { queryRows } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { asUuid } from '../../src/http/ids.ts';
import { scopeInTenant } from '../../src/scope/tenant.ts';
import { copy, event, newTenant, platformRows, systemCtx, T0, tenantRows } from './capture-fixtures.ts';

// The MRR history's row-level security: a tenant sees its own customers' history only, never another
// tenant's and never the platform's (which no tenant context can read or write at all).

const TENANT_TABLES = ['mrr_observations', 'mrr_changes', 'analytics_restate_from'];
const PLATFORM_TABLES = [
  'platform_mrr_observations',
  'platform_mrr_changes',
  'platform_mrr_suspensions',
  'platform_analytics_restate_from',
];

describe('analytics isolation', () => {
  let ctx: Ctx;
  let a: string;
  let b: string;
  const count = (tenantId: string | null, table: string) => {
    const q = (tx: Parameters<typeof queryRows>[0]) =>
      queryRows<{ n: number }>(tx, sql.raw(`select count(*)::int as n from ${table}`)).then((r) => r[0]!.n);
    return tenantId ? withTenant(ctx.db, tenantId, q) : q(ctx.db);
  };

  beforeAll(async () => {
    ctx = await systemCtx();
    a = await newTenant(ctx, 'Isolation A');
    b = await newTenant(ctx, 'Isolation B');
    for (const [tenantId, cus] of [
      [a, 'cus_iso_a'],
      [b, 'cus_iso_b'],
    ] as const) {
      const sub = `sub_${cus}`;
      await withTenant(ctx.db, tenantId, async (tx) => {
        await recordTenantSubscription(tx, tenantId, sub, event(copy(sub, cus, 10_000), T0));
        await recordPlanSubscription(
          tx,
          tenantId,
          `${cus}_plan`,
          event(copy(`${sub}_plan`, `${cus}_plan`, 5_000), T0),
        );
        await recordPlanSuspension(tx, {
          tenantId,
          caseId: crypto.randomUUID(),
          subscription: `${sub}_plan`,
          customer: `${cus}_plan`,
          at: new Date((T0 + 86_400) * 1000),
        });
      });
    }
  });

  it("a tenant reads its own customers' history, not another tenant's", async () => {
    expect((await tenantRows(ctx, a)).map((r) => r.customer)).toEqual(['cus_iso_a']);
    expect((await tenantRows(ctx, b)).map((r) => r.customer)).toEqual(['cus_iso_b']);
    for (const table of TENANT_TABLES) {
      expect(await count(a, table), table).toBe(1);
      expect(await count(null, table), `${table} outside a tenant`).toBe(0);
    }
    const report = await tenantMrrReport(scopeInTenant(ctx, asUuid('tenant', a)), {
      from: new Date(T0 * 1000),
      to: new Date((T0 + 31 * 86_400) * 1000),
    });
    expect(report.periods.map((p) => p.endMrr)).toEqual([10_000]);
  });

  it("a tenant can neither write another tenant's history nor change it", async () => {
    await expect(
      withTenant(ctx.db, a, (tx) =>
        tx.execute(sql`insert into mrr_changes (tenant_id, stripe_subscription_id, stripe_customer_id, currency, mrr, at)
          values (${b}::uuid, 'sub_forged', 'cus_forged', 'usd', 1, now())`),
      ),
    ).rejects.toSatisfy((e: Error) =>
      /row-level security/.test(String((e.cause as Error)?.message ?? e.message)),
    );
    const changed = await withTenant(ctx.db, a, (tx) =>
      queryRows(tx, sql`update mrr_changes set mrr = 0 where tenant_id = ${b}::uuid returning id`),
    );
    expect(changed).toEqual([]);
    expect((await tenantRows(ctx, b)).map((r) => r.mrr)).toEqual([10_000]);
  });

  it("no tenant context reads or writes the platform's history", async () => {
    expect(await platformRows(ctx, 'cus_iso_a_plan')).toHaveLength(2);
    for (const table of PLATFORM_TABLES) {
      expect(await count(a, table), table).toBe(0);
      expect(await count(null, table), `${table} outside a tenant`).toBe(0);
    }
    await expect(
      withTenant(ctx.db, a, (tx) =>
        tx.execute(sql`insert into platform_mrr_changes (billed_tenant_id, stripe_subscription_id,
          stripe_customer_id, currency, mrr, at) values (${a}::uuid, 'sub_forged', 'cus_forged', 'usd', 1, now())`),
      ),
    ).rejects.toSatisfy((e: Error) =>
      /row-level security/.test(String((e.cause as Error)?.message ?? e.message)),
    );
    const wiped = await withTenant(ctx.db, a, (tx) =>
      queryRows(tx, sql`delete from platform_mrr_changes returning id`),
    );
    expect(wiped).toEqual([]);
    expect(await platformRows(ctx, 'cus_iso_a_plan')).toHaveLength(2);
  });

  it("a tenant's key gets no platform figures; a key without analytics:read no tenant figures", async () => {
    const tenantKey: Ctx = {
      ...ctx,
      actor: { kind: 'api_key', keyId: 'k', tenantId: a, type: 'secret', scopes: [], label: 'a' },
    };
    const range = { from: new Date(T0 * 1000), to: new Date((T0 + 31 * 86_400) * 1000) };
    await expect(platformMrrReport(tenantKey, range)).rejects.toMatchObject({ code: 'forbidden' });
    const restricted: Ctx = {
      ...ctx,
      actor: {
        kind: 'api_key',
        keyId: 'r',
        tenantId: a,
        type: 'restricted',
        scopes: ['payments:read'],
        label: 'r',
      },
    };
    await expect(
      tenantMrrReport(scopeInTenant(restricted, asUuid('tenant', a)), range),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
  });
});
