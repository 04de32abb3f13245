import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, sessionFor, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, sandboxAdmin, tenantApi } from '../helpers/payments.ts';
import { systemRows } from '../helpers/webhooks.ts';

/**
 * Access revoked and found by a refresh rather than by Stripe's event: the owners are alerted all the same
 * (here by the platform's app: `account.deauthorized` carries `notify`, the e-mail is kept suppressed).
 */
describe('a refresh that finds the account deauthorized', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp({ env: { OWNER_ALERTS_SENDER: 'platform' } });
    tenant = await createTestTenant(t, 'Revoked');
    await sessionFor(t, tenant, 'owner@revoked.test', 'owner');
  });
  afterAll(() => t.close());

  it('alerts the owners once, with notify on account.deauthorized', async () => {
    const acct = await connectTenant(t, tenant);
    // Stripe refusing the platform access to the account (a permission error), as after a revocation
    await sandboxAdmin(t, 'faults', {
      type: 'error',
      status: 403,
      count: 5,
      method: 'GET',
      path: `/v1/accounts/${acct}`,
    });
    const api = tenantApi(t, tenant);
    const refreshed = await api('POST', '/connect/refresh');
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json().status).toBe('deauthorized');
    const [event] = await systemRows<{ data: Record<string, unknown> }>(
      t.database,
      `select data from outbound_events where tenant_id = '${tenant.id}' and type = 'account.deauthorized'`,
    );
    expect(event!.data).toMatchObject({
      account: acct,
      reason: 'deauthorized',
      notify: ['owner@revoked.test'],
    });
    const list = (await api('GET', '/notifications?limit=100')).json().data as {
      template: string;
      status: string;
      suppressed_reason: string | null;
    }[];
    expect(list.filter((n) => n.template === 'account_deauthorized')).toEqual([
      expect.objectContaining({ status: 'suppressed', suppressed_reason: 'platform_sends' }),
    ]);
  });
});
