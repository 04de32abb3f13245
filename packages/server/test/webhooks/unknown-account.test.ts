import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { ownerSql, type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * Events from a connected account no tenant owns run with no tenant set, and the account's owner writes its
 * objects' metadata: naming another tenant's ids there must change nothing of that tenant's. Such events are
 * kept (raw object, flagged) and applied only once a replay routes them to the tenant the account joined.
 */
describe('events of an account no tenant owns', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'standard' });
  });
  afterAll(() => p?.close());

  it("cannot reach another tenant's rows through metadata", async () => {
    const victim = await createTestTenant(p.t, 'Victim');
    await connectTenant(p.t, victim);
    const api = tenantApi(p.t, victim);
    const customer = (await api('POST', '/customers', { email: 'victim@example.com' })).json();

    const stranger = await p.stripe.accounts.create({ type: 'standard' });
    const forged = await p.stripe.customers.create(
      { email: 'attacker@example.com', metadata: { tributary_customer: customer.id } },
      { stripeAccount: stranger.id },
    );
    const [event] = await waitFor(async () => {
      const rows = await systemRows<{ status: string; unknown_account: boolean; tenant_id: string | null }>(
        p.t.database,
        `select status, unknown_account, tenant_id from stripe_events
         where type = 'customer.created' and account = '${stranger.id}'`,
      );
      return rows[0] && rows[0].status !== 'pending' ? rows : null;
    }, 'the stranger event handled');
    expect(event).toMatchObject({ status: 'processed', unknown_account: true, tenant_id: null });
    const [raw] = await systemRows<{ tenant_id: string | null }>(
      p.t.database,
      `select tenant_id from stripe_objects where id = '${forged.id}'`,
    );
    expect(raw).toMatchObject({ tenant_id: null });
    const after = (await api('GET', `/customers/${customer.id}`)).json();
    expect(after).toMatchObject({ email: 'victim@example.com' });
    expect(after.stripe_customer_id).not.toBe(forged.id);
  });

  it("an account the tenant held before is still the tenant's (its refunds and disputes go on)", async () => {
    const tenant = await createTestTenant(p.t, 'Switcher');
    const old = await connectTenant(p.t, tenant);
    // the tenant links another account: the old one is no longer its current one
    await ownerSql(
      p.t.database,
      `update connect_accounts set disconnected_at = now() where stripe_account_id = '${old}';
       update tenants set stripe_account_id = 'acct_replacement${tenant.id.slice(0, 6)}' where id = '${tenant.id}'`,
    );
    const late = await p.stripe.customers.create({ email: 'late@example.com' }, { stripeAccount: old });
    const [event] = await waitFor(async () => {
      const rows = await systemRows<{ status: string; unknown_account: boolean; tenant_id: string | null }>(
        p.t.database,
        `select e.status, e.unknown_account, e.tenant_id from stripe_events e
         where e.type = 'customer.created' and e.account = '${old}' and e.payload::text like '%${late.id}%'`,
      );
      return rows[0] && rows[0].status !== 'pending' ? rows : null;
    }, 'the old account event handled');
    expect(event).toMatchObject({ status: 'processed', unknown_account: false, tenant_id: tenant.id });
  });
});
