import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPublicId } from '../../src/http/ids.ts';
import { bearer, createTestTenant, sessionFor, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

/**
 * A dispute opened with the sandbox's dispute card reaches the tenant's owners and admins as one e-mail,
 * through a real SMTP server: the outbox row is written with the dispute, the worker sends it. Replaying the
 * Stripe event and a later update of the dispute add none; its close sends the outcome.
 */
describe('dispute e-mails through SMTP', () => {
  let smtp: TestSmtp;
  let p: Pipeline;
  let tenant: TestTenant;
  let api: ReturnType<typeof tenantApi>;
  let account: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    p = await startPipeline({
      SMTP_URL: smtp.url,
      EMAIL_FROM: 'Tributary Alerts <alerts@tributary.test>',
      NOTIFICATION_RETRY_DELAY_SECONDS: '1',
    });
    tenant = await createTestTenant(p.t, 'Acme Bikes');
    await sessionFor(p.t, tenant, 'owner@acme.test', 'owner');
    await sessionFor(p.t, tenant, 'admin@acme.test', 'admin');
    await sessionFor(p.t, tenant, 'member@acme.test', 'member');
    account = await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(async () => {
    await p.close();
    await smtp.close();
  });

  /** the tenant's (one dispute's) event of `type`, once processed (again, after `after`) */
  const eventProcessed = (type: string, after = '-infinity') =>
    waitFor(
      async () =>
        (
          await systemRows<{ id: string; at: string }>(
            p.t.database,
            `select id, processed_at::text as at from stripe_events where type = '${type}'
               and status = 'processed' and tenant_id = '${tenant.id}' and processed_at > '${after}'`,
          )
        )[0],
      `${type} processed`,
      pipelineState(p),
    );
  const notifications = async () =>
    (await api('GET', '/notifications?limit=100')).json().data as {
      id: string;
      template: string;
      status: string;
      message_id: string;
      recipients: string[];
      subject: string;
      text: string;
      dedup_key: string;
      provider_message_id: string | null;
    }[];

  it('one dispute_opened e-mail to owners and admins; replay and updates send no second', async () => {
    const { payment: pay } = await paidPayment(api, 'disputer@example.com', 'pm_card_createDispute', 4000);
    expect(pay.status).toBe('succeeded');
    const dispute = await waitFor(async () => {
      const list = (await api('GET', '/disputes?limit=100')).json().data;
      return list.find((d: { payment: string }) => d.payment === pay.id);
    }, 'dispute recorded');

    const sent = await waitFor(async () => {
      const n = (await notifications()).find((x) => x.template === 'dispute_opened');
      return n?.status === 'sent' ? n : null;
    }, 'dispute_opened sent');
    // on failure, say what arrived: which e-mails, and whether one was sent again (same Message-ID)
    const heads = smtp.arrivals.map((a) =>
      String(a.raw)
        .match(/^(Message-ID|Subject): .*$/gim)
        ?.join(' | '),
    );
    expect(smtp.arrivals, heads.join('\n')).toHaveLength(1);
    const [arrival] = smtp.arrivals;
    expect(arrival!.to.sort()).toEqual(['admin@acme.test', 'owner@acme.test']);
    expect(arrival!.from).toBe('alerts@tributary.test');
    const mail = arrival!.mail;
    expect(mail.messageId).toBe(sent.message_id);
    expect(sent.message_id).toMatch(/^<[0-9a-f]{40}@tributary\.test>$/);
    expect(sent.dedup_key).toBe(`dispute_opened:${fromPublicId('dispute', dispute.id)}`);
    expect(mail.subject).toBe('Action required: a $40.00 payment to Acme Bikes is disputed');
    expect(sent.subject).toBe(mail.subject);
    // a valid multipart/alternative body: the text part and the HTML part of the same content
    expect(arrival!.raw).toMatch(/Content-Type: multipart\/alternative/i);
    const due = new Intl.DateTimeFormat('en', {
      dateStyle: 'long',
      timeStyle: 'long',
      timeZone: 'UTC',
    }).format(new Date(dispute.evidence_due_by * 1000));
    for (const part of [mail.text!, mail.html as string]) {
      expect(part).toContain('$40.00');
      expect(part).toContain('Fraudulent');
      expect(part).toContain(due);
      expect(part).toContain(`${p.t.config.publicUrl}/tenants/${tenant.publicId}/payments/${pay.id}`);
    }
    expect(mail.html).toMatch(/^<!doctype html>/i);
    expect(mail.text).toContain('Acme Bikes');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(sent.provider_message_id).toBeTruthy();

    // Tributary sends owner alerts here, so the webhook carries no `notify` (no owner hears it twice)
    const [opened] = await systemRows<{ data: Record<string, unknown> }>(
      p.t.database,
      `select data from outbound_events where type = 'dispute.opened' and data::text like '%${dispute.id}%'`,
    );
    expect(opened!.data.evidence_due_by).toBe(dispute.evidence_due_by);
    expect(opened!.data).not.toHaveProperty('notify');

    // the event again (an operator's replay) and a later update of the dispute: processed, nothing new
    const created = await eventProcessed('charge.dispute.created');
    const replay = await p.t.app.inject({
      method: 'POST',
      url: `/v1/events/${created.id}/replay`,
      headers: bearer(p.t.platformKey),
    });
    expect(replay.statusCode, replay.body).toBe(200);
    await eventProcessed('charge.dispute.created', created.at);
    const charge = pay.charge_type === 'direct' ? { stripeAccount: account } : undefined;
    await p.stripe.disputes.update(
      dispute.stripe_dispute_id,
      { metadata: { note: 'seen' }, submit: false },
      charge,
    );
    await eventProcessed('charge.dispute.updated');
    // the payment's receipt follow-up has run too (its own job)
    const all = await waitFor(async () => {
      const list = await notifications();
      return list.some((n) => n.template === 'receipt') ? list : null;
    }, 'the receipt written');
    expect(all.filter((n) => n.template === 'dispute_opened')).toHaveLength(1);
    // besides it, only the payment's receipt, kept suppressed (receipts are off)
    expect(all.filter((n) => n.template !== 'dispute_opened').map((n) => [n.template, n.status])).toEqual([
      ['receipt', 'suppressed'],
    ]);
    expect(smtp.arrivals).toHaveLength(1);

    // the outcome: evidence that wins closes the dispute, and owners hear it once
    const res = await api('POST', `/disputes/${dispute.id}/evidence`, {
      evidence: { uncategorized_text: 'winning_evidence' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const closed = await waitFor(async () => {
      const n = (await notifications()).find((x) => x.template === 'dispute_closed');
      return n?.status === 'sent' ? n : null;
    }, 'dispute_closed sent');
    expect(closed.subject).toBe('You won the dispute: $40.00 payment to Acme Bikes');
    expect(smtp.arrivals).toHaveLength(2);
    expect(smtp.arrivals[1]!.mail.messageId).toBe(closed.message_id);
    expect(closed.message_id).not.toBe(sent.message_id);
  });
});
