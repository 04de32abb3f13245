import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Tx } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { updateInvoice } from '../../src/invoices/repo.ts';
import {
  billingFollowupJob,
  type JobInput,
  type JobQueue,
  jobQueues,
  jobRegistry,
} from '../../src/job-registry.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { defineFollowup, fromConfig } from '../../src/jobs/define.ts';
import { NOTIFICATION_SEND_QUEUE } from '../../src/notifications/outbox.ts';
import { STRIPE_EVENT_QUEUE } from '../../src/webhooks/inbox.ts';
import { OUTBOUND_DELIVER_QUEUE, OUTBOUND_FANOUT_QUEUE } from '../../src/webhooks/outbound/emit.ts';
import { createTestTenant, type TestTenant, testConfig } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * The job registry (jobs/registry.ts): every queue the code sends to has a definition with a handler, each
 * payload is checked against its schema, and jobs a deployed database already holds (today's queue names and
 * payload shapes, and the shapes of earlier releases) are still handled.
 */
const src = new URL('../../src/', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const files = sources(src).map((path) => ({ path: relative(src, path), text: readFileSync(path, 'utf8') }));

const constants: Record<string, string> = {
  STRIPE_EVENT_QUEUE,
  OUTBOUND_FANOUT_QUEUE,
  OUTBOUND_DELIVER_QUEUE,
  NOTIFICATION_SEND_QUEUE,
};
const definitionOf = (queue: string) => jobRegistry.find((d) => d.queue === queue)!;
const accepts = (queue: JobQueue, data: unknown) => definitionOf(queue).payload.safeParse(data).success;

const id = () => randomUUID();

/** Payloads as this release and earlier ones wrote them: each must still be taken by its queue's schema. */
const queuedByEarlierReleases: [JobQueue, unknown][] = [
  ['maintenance', null],
  ['maintenance', {}],
  ['stripe-event', { eventId: 'evt_1' }],
  ['stripe-event', { eventId: 'evt_1', replay: true }],
  ['stripe-event', { eventIds: ['evt_1', 'evt_2'] }],
  ['outbound-fanout', { outboundEventId: id() }],
  ['outbound-deliver', { deliveryId: id() }],
  ['notification-send', { tenantId: id(), notificationId: id() }],
  // before 243fba8 a link-off job did not name its link
  ['billing-followup', { kind: 'deactivate_link', tenantId: id(), invoiceId: id() }],
  ['billing-followup', { kind: 'deactivate_link', tenantId: id(), invoiceId: id(), link: null }],
  ['billing-followup', { kind: 'deactivate_link', tenantId: id(), invoiceId: id(), link: 'plink_1' }],
  ['billing-followup', { kind: 'resend', tenantId: id(), invoiceId: id() }],
  ['billing-followup', { kind: 'refund_duplicate', tenantId: id(), invoiceId: id(), invoicePaymentId: id() }],
  [
    'billing-followup',
    { kind: 'subscription_invoice_fee', tenantId: id(), stripeInvoiceId: 'in_1', account: 'acct_1' },
  ],
  [
    'billing-followup',
    { kind: 'subscription_invoice_fee', tenantId: id(), stripeInvoiceId: 'in_1', account: null },
  ],
  ['billing-followup', { kind: 'subscription_fee_top_up', tenantId: id(), stripeInvoiceId: 'in_1' }],
  ['billing-followup', { kind: 'resync_charge', tenantId: id(), paymentId: id() }],
  ['billing-followup', { kind: 'payment_fee_top_up', tenantId: id(), paymentId: id() }],
  [
    'billing-followup',
    { kind: 'default_payment_method', tenantId: id(), customerId: id(), stripePaymentMethodId: 'pm_1' },
  ],
  ['billing-followup', { kind: 'send_receipt', tenantId: id(), invoiceId: id() }],
  ['billing-followup', { kind: 'send_payment_receipt', tenantId: id(), paymentId: id() }],
  [
    'billing-followup',
    { kind: 'send_renewal_receipt', tenantId: id(), stripeInvoiceId: 'in_1', account: null },
  ],
];

const refused: [JobQueue, unknown][] = [
  ['maintenance', 'now'],
  ['stripe-event', {}],
  ['stripe-event', { eventId: '' }],
  ['stripe-event', { eventId: 42 }],
  ['stripe-event', { eventId: 'evt_1', replay: 'yes' }],
  ['stripe-event', { eventIds: [] }],
  ['stripe-event', { eventIds: [''] }],
  ['stripe-event', { eventIds: Array.from({ length: 101 }, (_, i) => `evt_${i}`) }],
  ['outbound-fanout', { outboundEventId: 'not-an-id' }],
  ['outbound-deliver', null],
  ['outbound-deliver', { outboundEventId: id() }],
  ['notification-send', { tenantId: id() }],
  ['notification-send', { tenantId: 'ten_1', notificationId: id() }],
  ['billing-followup', null],
  ['billing-followup', { tenantId: id(), invoiceId: id() }],
  ['billing-followup', { kind: 'refund_everything', tenantId: id() }],
  ['billing-followup', { kind: 'resend', tenantId: id() }],
  ['billing-followup', { kind: 'resend', tenantId: 'ten_1', invoiceId: id() }],
  ['billing-followup', { kind: 'resync_charge', tenantId: id(), paymentId: 7 }],
  ['billing-followup', { kind: 'subscription_invoice_fee', tenantId: id(), stripeInvoiceId: 'in_1' }],
  [
    'billing-followup',
    { kind: 'default_payment_method', tenantId: id(), customerId: id(), stripePaymentMethodId: '' },
  ],
];

describe('the job registry', () => {
  it('every queue the source sends to has a definition with a handler', () => {
    const sent = new Set<string>();
    for (const f of files) {
      for (const m of f.text.matchAll(/\b(?:sendInTx|enqueue)\(\s*(?:[\w.]+,\s*)?('[^']+'|[A-Z_]+)\s*,/g)) {
        const arg = m[1]!;
        sent.add(arg.startsWith("'") ? arg.slice(1, -1) : (constants[arg] ?? `${f.path}: ${arg}`));
      }
    }
    expect([...sent].sort()).toEqual([
      'billing-followup',
      'billing-meter-report',
      'notification-send',
      'outbound-deliver',
      'outbound-fanout',
      'stripe-event',
    ]);
    for (const queue of sent) {
      expect(jobQueues).toContain(queue);
      expect(definitionOf(queue).handle).toBeTypeOf('function');
    }
  });

  it('each queue is defined once, with an explicit retry policy', () => {
    expect(new Set(jobQueues).size).toBe(jobRegistry.length);
    for (const def of jobRegistry) {
      const retry = fromConfig(def.retry, testConfig());
      expect(Object.keys(retry).sort()).toEqual([
        'expireInSeconds',
        'retryBackoff',
        'retryDelay',
        'retryLimit',
      ]);
    }
  });

  it('only jobs/ reaches pg-boss: no other file imports it or hands it a transaction', () => {
    const offending = files
      .filter((f) => !f.path.startsWith('jobs/'))
      .filter((f) => /from 'pg-boss'|fromDrizzle|\.boss\b/.test(f.text))
      .map((f) => f.path);
    expect(offending).toEqual([]);
    expect(files.filter((f) => f.text.includes('fromDrizzle(')).map((f) => f.path)).toEqual(['jobs/boss.ts']);
  });

  it('takes the payloads queued by this release and earlier ones', () => {
    for (const [queue, data] of queuedByEarlierReleases) {
      expect(accepts(queue, data), `${queue} ${JSON.stringify(data)}`).toBe(true);
    }
    const kinds = queuedByEarlierReleases.flatMap(([, d]) => ((d as { kind?: string })?.kind ? [d] : []));
    expect(new Set(kinds.map((d) => (d as { kind: string }).kind)).size).toBe(11);
  });

  it('refuses bad payloads', () => {
    for (const [queue, data] of refused) {
      expect(accepts(queue, data), `${queue} ${JSON.stringify(data)}`).toBe(false);
    }
    const unknownKind = billingFollowupJob.payload.safeParse({ kind: 'refund_everything' });
    expect(unknownKind.error?.issues[0]?.message).toMatch(/deactivate_link.*default_payment_method/);
  });

  it('a follow-up kind with two definitions is refused at start', async () => {
    const { followupQueue } = await import('../../src/jobs/define.ts');
    const kind = defineFollowup({ kind: 'twice', fields: {}, handle: async () => {} });
    expect(() =>
      followupQueue({
        queue: 'billing-followup',
        kinds: [kind, kind],
        retry: { retryLimit: 1, retryDelay: 1, retryBackoff: false, expireInSeconds: 60 },
      }),
    ).toThrow(/two definitions of the job kind twice/);
  });

  it('the types refuse a queue or kind without a handler, and a payload not of its schema', () => {
    // never run: `npm run typecheck` checks each line marked as an error is one
    const typeChecks = async (jobs: Jobs, tx: Tx) => {
      // @ts-expect-error no definition handles this queue
      await jobs.sendInTx(tx, 'invoice-reminders', {});
      // @ts-expect-error no definition handles this kind
      await jobs.sendInTx(tx, 'billing-followup', { kind: 'refund_everything', tenantId: id() });
      // @ts-expect-error a field of the kind is missing
      await jobs.sendInTx(tx, 'billing-followup', { kind: 'resend', tenantId: id() });
      // @ts-expect-error another queue's payload
      await jobs.sendInTx(tx, OUTBOUND_DELIVER_QUEUE, { outboundEventId: id() });
      // @ts-expect-error a kind is defined with its handler
      defineFollowup({ kind: 'no_handler', fields: { tenantId: z.guid() } });
      const kind: JobInput<'billing-followup'>['kind'] = 'resync_charge';
      // @ts-expect-error the kinds are the registry's
      const other: JobInput<'billing-followup'>['kind'] = 'refund_everything';
      return [kind, other];
    };
    expect(typeChecks).toBeTypeOf('function');
  });
});

describe('jobs in the database, worked by pg-boss', () => {
  let p: Pipeline;
  let tenant: TestTenant;
  beforeAll(async () => {
    p = await startPipeline({ CONNECT_ACCOUNT_KIND: 'express' });
    tenant = await createTestTenant(p.t, 'Job registry');
    const account = await connectTenant(p.t, tenant);
    // the app starts its queue on first use: let the account's webhooks start it, before a request opens a
    // transaction that enqueues (on PGlite, its one connection would wait for that transaction)
    await waitFor(
      async () =>
        (await systemRows(p.t.database, `select 1 from stripe_events where account = '${account}'`))[0],
      "the account's events stored",
    );
  });
  afterAll(() => p?.close());

  const jobRows = (where: string) =>
    systemRows<{ state: string; retry_count: number; output: { message?: string } | null }>(
      p.t.database,
      `select state, retry_count, output from pgboss.job where ${where}`,
    );

  it('the migration created every registered queue, and the worker gave each its retry policy', async () => {
    const rows = await systemRows<{
      name: string;
      retry_limit: number;
      retry_delay: number;
      retry_backoff: boolean;
      expire_seconds: number;
    }>(
      p.t.database,
      'select name, retry_limit, retry_delay, retry_backoff, expire_seconds from pgboss.queue',
    );
    for (const def of jobRegistry) {
      const retry = fromConfig(def.retry, p.t.config);
      expect(
        rows.find((r) => r.name === def.queue),
        def.queue,
      ).toEqual({
        name: def.queue,
        retry_limit: retry.retryLimit,
        retry_delay: retry.retryDelay,
        retry_backoff: retry.retryBackoff,
        expire_seconds: retry.expireInSeconds,
      });
    }
  });

  it("a link-off follow-up in an earlier release's shape (no link named) is handled", async () => {
    const api = tenantApi(p.t, tenant);
    const created = await api('POST', '/invoices', {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5000 }],
      currency: 'usd',
      due_date: Math.floor(Date.now() / 1000) + 14 * 86400,
      customer_email: 'client@example.com',
    });
    expect(created.statusCode, created.body).toBe(200);
    const sent = await api('POST', `/invoices/${created.json().id}/send`);
    expect(sent.statusCode, sent.body).toBe(200);
    const link = sent.json().payment_link.id as string;
    expect((await p.stripe.paymentLinks.retrieve(link)).active).toBe(true);
    const invoiceId = fromPublicId('invoice', created.json().id)!;
    // what that release did when an invoice was edited: the link set aside, and a job naming the invoice only
    await withTenant(p.t.database.db, tenant.id, async (tx) => {
      await updateInvoice(tx, invoiceId, {
        linkToDeactivate: link,
        stripePaymentLinkId: null,
        paymentLinkUrl: null,
      });
      await p.jobs.sendInTx(tx, 'billing-followup', {
        kind: 'deactivate_link',
        tenantId: tenant.id,
        invoiceId,
      });
    });
    const [job] = await waitFor(
      async () => {
        const rows = await jobRows(
          `name = 'billing-followup' and data->>'invoiceId' = '${invoiceId}' and not data ? 'link'`,
        );
        return rows[0]?.state === 'completed' && rows;
      },
      'the link-off follow-up completed',
      pipelineState(p),
    );
    expect(job!.retry_count).toBe(0);
    expect((await p.stripe.paymentLinks.retrieve(link)).active).toBe(false);
    const [row] = await systemRows<{ link_to_deactivate: string | null }>(
      p.t.database,
      `select link_to_deactivate from invoices where id = '${invoiceId}'`,
    );
    expect(row!.link_to_deactivate).toBeNull();
  });

  it("a maintenance run calls each domain's clean-up and completes", async () => {
    const marker = randomUUID();
    await withTenant(p.t.database.db, tenant.id, (tx) => p.jobs.sendInTx(tx, 'maintenance', { marker }));
    await waitFor(
      async () =>
        (await jobRows(`name = 'maintenance' and data->>'marker' = '${marker}'`))[0]?.state === 'completed',
      'the maintenance run completed',
      pipelineState(p),
    );
  });

  it('a job whose payload fails its schema is dead-lettered at once; the rest of its batch is handled', async () => {
    const marker = randomUUID();
    const good = randomUUID();
    await withTenant(p.t.database.db, tenant.id, async (tx) => {
      // one insert: the fan-out worker takes both in one batch
      await p.jobs.sendInTx(tx, 'outbound-fanout', [
        { outboundEventId: good },
        // not an outbound event's id: what a bug or an incompatible release could queue
        { outboundEventId: `bad-${marker}` },
      ]);
      // @ts-expect-error a follow-up with its invoice missing
      await p.jobs.sendInTx(tx, 'billing-followup', { kind: 'resend', tenantId: marker });
    });
    const settled = async (where: string) =>
      waitFor(
        async () => {
          const rows = await jobRows(where);
          return rows[0] && ['completed', 'failed'].includes(rows[0].state) && rows[0];
        },
        where,
        pipelineState(p),
      );
    const bad = await settled(`name = 'outbound-fanout' and data->>'outboundEventId' = 'bad-${marker}'`);
    expect(bad).toMatchObject({ state: 'failed', retry_count: 0 });
    expect(bad.output?.message).toMatch(/invalid outbound-fanout payload/);
    expect(await settled(`name = 'outbound-fanout' and data->>'outboundEventId' = '${good}'`)).toMatchObject({
      state: 'completed',
    });
    const followup = await settled(`name = 'billing-followup' and data->>'tenantId' = '${marker}'`);
    expect(followup).toMatchObject({ state: 'failed', retry_count: 0 });
    expect(followup.output?.message).toMatch(/invalid billing-followup payload.*invoiceId/s);
  });
});
