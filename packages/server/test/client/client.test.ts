import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTributaryClient,
  type Schemas,
  type TributaryClient,
  TributaryError,
  verifyWebhook,
  WebhookSignatureError,
} from '@tributary/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAdmin } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

/**
 * @tributary/client against the real app over HTTP (listening on loopback), with the sandbox, signed Stripe
 * webhooks and the worker: the platform's app's whole flow through the typed client, its retries through a
 * proxy that drops an answer after the app handled the request, its typed errors and auto-pagination.
 */

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** The platform's app receiving Tributary's outbound webhooks on loopback. */
async function receiver() {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got, server };
}

type Fault = 'drop-response' | 'rate-limited' | 'unavailable';

/**
 * A proxy in front of the app. A request matching a planned fault: `drop-response` forwards it, reads the
 * app's whole answer, then destroys the connection instead of answering (the client sees a network error
 * although the app did the work); `rate-limited` answers 429 with `Retry-After: 1` and `unavailable` 503,
 * both without forwarding.
 */
async function faultyProxy(target: string) {
  const upstream = new URL(target);
  const seen: { method: string; path: string; key: string | undefined; fault: Fault | null }[] = [];
  const plans: { method: string; path: RegExp; fault: Fault }[] = [];
  const server: Server = createServer((req, res) => {
    const i = plans.findIndex((p) => p.method === req.method && p.path.test(req.url ?? ''));
    const fault = i >= 0 ? plans.splice(i, 1)[0]!.fault : null;
    seen.push({
      method: req.method!,
      path: req.url!,
      key: req.headers['idempotency-key'] as string | undefined,
      fault,
    });
    if (fault === 'rate-limited') {
      req.resume();
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { type: 'rate_limit_error', code: 'rate_limited', message: 'slow down' } }),
      );
      return;
    }
    if (fault === 'unavailable') {
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream unavailable');
      return;
    }
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer: IncomingMessage) => {
        if (fault === 'drop-response') {
          answer.resume();
          answer.on('end', () => res.socket?.destroy());
          return;
        }
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.socket?.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    plan: (method: string, path: RegExp, fault: Fault) => plans.push({ method, path, fault }),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('@tributary/client', () => {
  let p: Pipeline;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let proxy: Awaited<ReturnType<typeof faultyProxy>>;
  let client: TributaryClient;

  beforeAll(async () => {
    // a database of its own: the platform's endpoints receive every tenant's events, other files' too
    p = await startPipeline({}, { freshDatabase: true });
    hooks = await receiver();
    proxy = await faultyProxy(p.url);
    client = createTributaryClient({ baseUrl: p.url, apiKey: p.t.platformKey, retryDelayMs: 50 });
  });
  afterAll(async () => {
    proxy?.close();
    hooks?.server.close();
    await p?.close();
  });

  it('tenant → dashboard link → invoice → paid on the hosted page → the signed webhook, verified', async () => {
    const endpoint = await client.post('/v1/webhook_endpoints', {
      body: { url: hooks.url, enabled_events: ['invoice.paid'] },
    });
    expect(endpoint.secret).toMatch(/^whsec_/);

    const tenant: Schemas['Tenant'] = await client.post('/v1/tenants', {
      body: { name: 'Client flow', external_id: 'acct-42' },
    });
    expect(tenant).toMatchObject({ object: 'tenant', name: 'Client flow', status: 'active' });
    const path = { id: tenant.id };

    const link = await client.post('/v1/tenants/{id}/dashboard_links', {
      params: { path },
      body: { email: 'owner@client-flow.example', role: 'owner' },
    });
    expect(link.object).toBe('dashboard_link');
    // the link is on PUBLIC_URL; this app listens on a port of its own
    const opened = await fetch(`${p.url}${new URL(link.url!).pathname}`, { redirect: 'manual' });
    expect(opened.headers.getSetCookie().some((c) => c.startsWith('trb_session='))).toBe(true);

    const account = await client.post('/v1/tenants/{id}/connect/account', { params: { path }, body: {} });
    await sandboxAdmin(p.t, `accounts/${account.account_id}/onboarding`, { action: 'complete' });
    const status = await client.post('/v1/tenants/{id}/connect/refresh', { params: { path } });
    expect(status.charges_enabled).toBe(true);

    const draft = await client.post('/v1/tenants/{id}/invoices', {
      params: { path },
      body: {
        currency: 'usd',
        customer_email: 'buyer@client-flow.example',
        lines: [{ description: 'Design work', quantity: 2, unit_amount: 3000 }],
      },
    });
    expect(draft).toMatchObject({ status: 'draft', amount_total: 6000 });
    const sent = await client.post('/v1/tenants/{id}/invoices/{invoice_id}/send', {
      params: { path: { id: tenant.id, invoice_id: draft.id } },
    });
    expect(sent.payment_link?.url).toBeTruthy();

    // the buyer pays on the sandbox's hosted page, as in test/invoices
    const visit = await fetch(sent.payment_link!.url, { redirect: 'manual' });
    expect(visit.status).toBe(302);
    const checkout = new URL(String(visit.headers.get('location')), sent.payment_link!.url).toString();
    const paid = await fetch(checkout, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        card_number: '4242 4242 4242 4242',
        exp: '12 / 34',
        cvc: '123',
        email: 'buyer@client-flow.example',
      }).toString(),
    });
    expect(paid.status).toBe(302);

    const delivery = await waitFor(
      async () => hooks.got.find((h) => h.body.includes(draft.id)),
      'the invoice.paid webhook',
      pipelineState(p),
    );
    const event = verifyWebhook<{ invoice: Schemas['Invoice'] }>(
      delivery.body,
      delivery.headers,
      endpoint.secret!,
    );
    expect(event).toMatchObject({ type: 'invoice.paid', tenant: tenant.id });
    expect(event.data.invoice).toMatchObject({ id: draft.id, status: 'paid' });
    expect(() =>
      verifyWebhook(delivery.body.replace('paid', 'void'), delivery.headers, endpoint.secret!),
    ).toThrow(WebhookSignatureError);

    const invoice = await client.get('/v1/tenants/{id}/invoices/{invoice_id}', {
      params: { path: { id: tenant.id, invoice_id: draft.id } },
    });
    expect(invoice).toMatchObject({ status: 'paid', amount_total: 6000 });
    expect(invoice.payment).toBeTruthy();
  });

  it('a POST whose answer was lost is retried with the same Idempotency-Key: one object', async () => {
    const viaProxy = createTributaryClient({ baseUrl: proxy.url, apiKey: p.t.platformKey, retryDelayMs: 50 });
    const name = `Dropped answer ${Date.now()}`;
    proxy.plan('POST', /^\/v1\/tenants$/, 'drop-response');
    const tenant = await viaProxy.post('/v1/tenants', { body: { name } });
    expect(tenant.name).toBe(name);

    const posts = proxy.seen.filter((s) => s.method === 'POST' && s.path === '/v1/tenants');
    expect(posts.map((s) => s.fault)).toEqual(['drop-response', null]);
    expect(posts[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1]!.key).toBe(posts[0]!.key);
    const named: string[] = [];
    for await (const t of client.paginate('/v1/tenants')) if (t.name === name) named.push(t.id);
    expect(named).toEqual([tenant.id]);
  });

  it('a 429 is retried after its Retry-After', async () => {
    const viaProxy = createTributaryClient({ baseUrl: proxy.url, apiKey: p.t.platformKey, retryDelayMs: 50 });
    proxy.plan('GET', /^\/v1\/tenants\?/, 'rate-limited');
    const started = Date.now();
    const page = await viaProxy.get('/v1/tenants', { params: { query: { limit: 1 } } });
    expect(page.object).toBe('list');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const gets = proxy.seen.filter((s) => s.method === 'GET' && s.path.startsWith('/v1/tenants?'));
    expect(gets.map((s) => s.fault)).toEqual(['rate-limited', null]);
  });

  it('a 5xx is retried with the same key; a 4xx is not retried', async () => {
    const viaProxy = createTributaryClient({ baseUrl: proxy.url, apiKey: p.t.platformKey, retryDelayMs: 50 });
    proxy.plan('POST', /^\/v1\/tenants$/, 'unavailable');
    const name = `After a 503 ${Date.now()}`;
    const tenant = await viaProxy.post('/v1/tenants', { body: { name } });
    expect(tenant.name).toBe(name);
    const posts = proxy.seen.filter((s) => s.method === 'POST' && s.path === '/v1/tenants').slice(-2);
    expect(posts.map((s) => s.fault)).toEqual(['unavailable', null]);
    expect(posts[1]!.key).toBe(posts[0]!.key);

    const before = proxy.seen.length;
    const refused = await viaProxy.post('/v1/tenants', { body: { name: '' } }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400 });
    expect(proxy.seen.length).toBe(before + 1);

    // retries exhausted: the last 5xx is the error, its status kept
    const once = createTributaryClient({ baseUrl: proxy.url, apiKey: p.t.platformKey, retries: 0 });
    proxy.plan('GET', /^\/v1\/tenants\?/, 'unavailable');
    const failed = await once
      .get('/v1/tenants', { params: { query: { limit: 1 } } })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(TributaryError);
    expect(failed).toMatchObject({ status: 503, code: 'http_503', type: 'api_error' });
  });

  it('a 4xx throws a TributaryError with the API code, type, status and request id', async () => {
    const missing = await client
      .get('/v1/tenants/{id}', { params: { path: { id: 'ten_doesnotexist' } } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TributaryError);
    expect(missing).toMatchObject({ status: 404, code: 'resource_missing', type: 'invalid_request_error' });
    expect((missing as TributaryError).request_id).toMatch(/^req_/);

    const invalid = await client
      .post('/v1/tenants', { body: { name: '' } })
      .catch((e: unknown) => e as TributaryError);
    expect(invalid).toMatchObject({ status: 400, code: 'parameter_invalid', param: 'name' });
  });

  it('paginate walks every page of a list', async () => {
    const prefix = `Paged ${Date.now()}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await client.post('/v1/tenants', { body: { name: `${prefix} ${i}` } })).id);
    const pages: number[] = [];
    const seen: string[] = [];
    const counting = createTributaryClient({
      baseUrl: p.url,
      apiKey: p.t.platformKey,
      fetch: (req) => {
        if (new URL(req.url).pathname === '/v1/tenants') pages.push(pages.length);
        return fetch(req);
      },
    });
    for await (const t of counting.paginate('/v1/tenants', { params: { query: { limit: 2 } } }))
      if (t.name.startsWith(prefix)) seen.push(t.id);
    expect(seen.sort()).toEqual(made.sort());
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });
});
