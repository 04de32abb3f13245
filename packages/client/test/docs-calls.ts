// Compiled, never run (`tsc -p packages/client`, in `npm run typecheck`): docs/client.md's calls, so that a
// change of the API that breaks them fails the typecheck; and what must not compile.
import {
  createTributaryClient,
  type Schemas,
  TributaryError,
  verifyWebhook,
  WebhookSignatureError,
} from '../src/index.ts';

declare const redirect: (url: string) => void;
declare const saveSecret: (secret: string) => void;
declare const markPaid: (tenant: string | null, invoice: unknown) => void;
declare const payment_id: string;

export async function docsCalls(): Promise<void> {
  const tributary = createTributaryClient({ baseUrl: 'https://billing.example.com', apiKey: 'trb_sk_x' });
  const tenant: Schemas['Tenant'] = await tributary.post('/v1/tenants', {
    body: { name: 'Acme Plumbing', external_id: 'acct_42' },
  });
  const link = await tributary.post('/v1/tenants/{id}/dashboard_links', {
    params: { path: { id: tenant.id } },
    body: { email: 'owner@acme.example', role: 'owner' },
  });
  redirect(link.url!);
  const draft = await tributary.post('/v1/tenants/{id}/invoices', {
    params: { path: { id: tenant.id } },
    body: {
      currency: 'usd',
      customer_email: 'buyer@example.com',
      lines: [{ description: 'Design work', quantity: 2, unit_amount: 3000 }],
    },
  });
  const sent = await tributary.post('/v1/tenants/{id}/invoices/{invoice_id}/send', {
    params: { path: { id: tenant.id, invoice_id: draft.id } },
  });
  console.log(sent.payment_link?.url);
  const invoice = await tributary.get('/v1/tenants/{id}/invoices/{invoice_id}', {
    params: { path: { id: tenant.id, invoice_id: draft.id } },
  });
  if (invoice.status === 'paid') console.log(`paid, payment ${invoice.payment}`);
  const endpoint = await tributary.post('/v1/webhook_endpoints', {
    body: {
      url: 'https://app.example.com/tributary/webhooks',
      enabled_events: ['invoice.paid', 'payment.failed'],
    },
  });
  saveSecret(endpoint.secret!);

  for await (const item of tributary.paginate('/v1/tenants/{id}/invoices', {
    params: { path: { id: tenant.id }, query: { status: 'open' } },
  })) {
    const typed: Schemas['Invoice'] = item;
    console.log(typed.id, item.amount_total);
  }

  try {
    await tributary.post('/v1/tenants/{id}/payments/{payment_id}/refunds', {
      params: { path: { id: tenant.id, payment_id } },
      body: { amount: 5000 },
    });
  } catch (err) {
    if (err instanceof TributaryError) console.log(err.status, err.code, err.type, err.param, err.request_id);
  }

  try {
    const event = verifyWebhook(Buffer.from('{}'), { 'webhook-id': 'msg_x' }, 'whsec_x');
    if (event.type === 'invoice.paid') markPaid(event.tenant, event.data.invoice);
  } catch (err) {
    if (!(err instanceof WebhookSignatureError)) throw err;
  }

  // @ts-expect-error a misspelt path
  await tributary.get('/v1/tenant');
  // @ts-expect-error a required field missing
  await tributary.post('/v1/tenants', { body: {} });
  // @ts-expect-error a field of the wrong type
  await tributary.post('/v1/tenants', { body: { name: 42 } });
  // @ts-expect-error paginate takes GET paths only
  tributary.paginate('/v1/tenants/{id}/invoices/{invoice_id}/send');
}
