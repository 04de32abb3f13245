import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { enqueueNotification } from '../../src/notifications/service.ts';
import { startWorker } from '../../src/runtime.ts';
import {
  asSession,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { systemRows, waitFor } from '../helpers/webhooks.ts';
import { enqueueAlert, outboxRow } from './outbox.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/**
 * Bounces are kept per address and kind: a customer's dead mailbox never tells the owners their own address
 * bounces, and the owners' banner goes when their address takes mail again or is replaced.
 */
describe('bounced addresses', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;
  let owner: TestSession;
  const dead = new Set<string>();

  beforeAll(async () => {
    smtp = await startSmtp();
    smtp.answer = (address) =>
      dead.has(address) ? { code: 550, message: '5.1.1 mailbox unavailable' } : 'accept';
    t = await startTestApp({
      sandbox: false,
      env: { SMTP_URL: smtp.url, EMAIL_FROM: 'alerts@tributary.test', NOTIFICATION_RETRY_LIMIT: '0' },
    });
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    tenant = await createTestTenant(t, 'Bounces');
    owner = await sessionFor(t, tenant, 'owner@bounce.test', 'owner');
    await sessionFor(t, tenant, 'admin@bounce.test', 'admin');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
    await smtp.close();
  });

  const status = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${tenant.publicId}/notification_status`,
        headers: asSession(owner),
      })
    ).json();
  const settled = (id: string, wanted: string) =>
    waitFor(async () => ((await outboxRow(t, id)).status === wanted ? id : null), `notification ${wanted}`);
  const receipt = (dedupKey: string, to: string) =>
    withTenant(t.database.db, tenant.id, (tx) =>
      enqueueNotification(
        tx,
        { config: t.config, enqueue: (queue, data) => jobs.sendInTx(tx, queue, data) },
        {
          tenantId: tenant.id,
          template: 'receipt',
          data: {
            amount: 1250,
            currency: 'eur',
            lines: [],
            receiptNumber: null,
            receiptUrl: null,
            paidAt: '2026-12-01T10:00:00.000Z',
            invoiceId: null,
          },
          recipients: [to],
          dedupKey,
        },
      ),
    ).then((r) => r.notification);

  it("a customer's refused address is no owner bounce; the owners' own one is, until it takes mail again", async () => {
    dead.add('customer@elsewhere.test');
    const r = await receipt('receipt:bounce', 'customer@elsewhere.test');
    await settled(r.id, 'failed');
    expect(await status()).toMatchObject({
      billing_address_bounces: false,
      bounce: null,
      customer_bounces: 1,
    });

    dead.add('admin@bounce.test');
    const alert = await enqueueAlert(t, jobs, tenant, 'bounce:admin', ['admin@bounce.test']);
    await settled(alert.id, 'failed');
    expect(await status()).toMatchObject({
      billing_address_bounces: true,
      bounce: { recipients: ['admin@bounce.test'], error: expect.stringMatching(/550|unavailable/) },
      customer_bounces: 1,
    });

    // the admin's mailbox works again: the next alert reaches it and the banner goes
    dead.delete('admin@bounce.test');
    const next = await enqueueAlert(t, jobs, tenant, 'bounce:admin:2', ['admin@bounce.test']);
    await settled(next.id, 'sent');
    expect(await status()).toMatchObject({
      billing_address_bounces: false,
      bounce: null,
      customer_bounces: 1,
    });
    // the customer's bounce is its own, still kept
    const rows = await systemRows<{ address: string; kind: string }>(
      t.database,
      `select address, kind from notification_bounced_addresses where tenant_id = '${tenant.id}'`,
    );
    expect(rows).toEqual([{ address: 'customer@elsewhere.test', kind: 'customer' }]);
  });

  it('a billing contact whose verification bounces raises the banner; replacing the contact clears it', async () => {
    dead.add('typo@billing.test');
    const set = (email: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/billing_contact`,
        headers: asSession(owner),
        payload: { email },
      });
    expect((await set('typo@billing.test')).statusCode).toBe(200);
    await waitFor(async () => ((await status()).billing_address_bounces ? true : null), 'the banner');
    expect((await status()).bounce.recipients).toEqual(['typo@billing.test']);
    expect((await set('right@billing.test')).statusCode).toBe(200);
    expect(await status()).toMatchObject({ billing_address_bounces: false, bounce: null });
  });
});
