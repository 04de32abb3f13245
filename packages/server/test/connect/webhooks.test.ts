import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChargesEnabled } from '../../src/connect/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { bearer, createTestTenant } from '../helpers/app.ts';
import { type Pipeline, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/** Status kept current by Stripe's events through the webhook pipeline (signed delivery → job → handler). */
describe('Connect status from webhooks', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline();
  });
  afterAll(() => p.close());

  it('account.updated enables the account; account.application.deauthorized flips it and blocks charges', async () => {
    const tenant = await createTestTenant(p.t, 'Connect webhooks');
    const status = () =>
      p.t.app
        .inject({
          method: 'GET',
          url: `/v1/tenants/${tenant.publicId}/connect/status`,
          headers: bearer(tenant.key),
        })
        .then((r) => r.json());
    const created = await p.t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/connect/account`,
      headers: bearer(tenant.key),
      payload: {},
    });
    expect(created.statusCode, created.body).toBe(200);
    const acct = created.json().account_id as string;

    // onboarding finished on Stripe's side, with no browser coming back: only the webhook tells us
    const done = await fetch(`${p.sandbox.url}/_sandbox/accounts/${acct}/onboarding`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'complete' }),
    });
    expect(done.status).toBe(200);
    const enabled = await waitFor(async () => {
      const s = await status();
      return s.status === 'enabled' ? s : null;
    }, 'account.updated applied');
    expect(enabled.last_event_at).toBeGreaterThan(0);

    await p.stripe.oauth.deauthorize({ client_id: p.sandbox.connectClientId, stripe_user_id: acct });
    const gone = await waitFor(async () => {
      const s = await status();
      return s.status === 'deauthorized' ? s : null;
    }, 'deauthorization applied');
    expect(gone).toMatchObject({ charges_enabled: false, account_id: acct });
    await withTenant(p.t.database.db, tenant.id, async (tx) => {
      await expect(requireChargesEnabled(tx, tenant.id)).rejects.toMatchObject({
        code: 'account_not_connected',
      });
    });
    const audit = await p.t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/audit_log?limit=100`,
      headers: bearer(tenant.key),
    });
    expect(audit.json().data.map((e: { action: string }) => e.action)).toContain('connect.deauthorized');
    const outbound = await systemRows<{ type: string }>(
      p.t.database,
      `select type from outbound_events where tenant_id = '${tenant.id}' and type = 'account.deauthorized'`,
    );
    expect(outbound).toHaveLength(1);
  });
});
