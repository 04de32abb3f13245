// The HTTP pipeline: request id → admin/pages → outage or fault injection → auth and Stripe-Account → route →
// params → idempotency → handler → expand → response. Plain node:http for throughput.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Admin } from './admin.ts';
import type { App, Ctx } from './app.ts';
import { requestClockTime } from './billing/scheduler.ts';
import { API_VERSION } from './config.ts';
import type { Pages } from './pages/index.ts';
import type { Router } from './router.ts';
import { accountForKey, apiKeyOf, scopeAccount } from './wire/auth.ts';
import {
  MAX_BODY_BYTES,
  parseForm,
  parseJson,
  parseMultipart,
  readBody,
  type UploadedFile,
} from './wire/body.ts';
import { apiError, idempotencyInUse, idempotencyMismatch, StripeError, toJson } from './wire/errors.ts';
import { applyExpand } from './wire/expand.ts';
import { fingerprint, type IdempotencyStore } from './wire/idempotency.ts';
import { atTime, newId } from './wire/ids.ts';
import { arr, type Params, str } from './wire/schema.ts';

export interface ServerDeps {
  app: App;
  router: Router;
  admin: Admin;
  pages: Pages;
  idempotency: IdempotencyStore;
}

type Headers = Record<string, string>;

function send(res: ServerResponse, status: number, headers: Headers, body: string): void {
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

function unrecognized(method: string, path: string): StripeError {
  return new StripeError(
    404,
    {
      type: 'invalid_request_error',
      message:
        `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help ` +
        'at https://support.stripe.com/.',
    },
    { save: false },
  );
}

/** An API request made in the sandbox's own process, without a socket (`Sandbox.call`). */
export interface InProcessRequest {
  method: string;
  /** the path with its query string, as on the request line */
  url: string;
  /** lower-case names, as node:http gives them */
  headers: IncomingHttpHeaders;
  body: string;
}

export interface InProcessResponse {
  status: number;
  /** lower-case names, as node:http gives them to a client */
  headers: Record<string, string>;
  body: string;
}

/**
 * Answers an API request in-process, or null when it must go over HTTP: a multipart upload, a body over
 * the size limit, or while a fault or an outage is set (their effects are on the connection: hung, reset).
 */
export type InProcessCall = (req: InProcessRequest) => Promise<InProcessResponse> | null;

export function createServer(deps: ServerDeps): { server: http.Server; call: InProcessCall } {
  const { app, router, admin, pages, idempotency } = deps;

  /** The response headers every API answer starts from; the request is logged for the admin API. */
  function begin(method: string, path: string, h: IncomingHttpHeaders) {
    const requestId = newId('req');
    const headers: Headers = {
      'Content-Type': 'application/json',
      'Request-Id': requestId,
      'Stripe-Version': typeof h['stripe-version'] === 'string' ? h['stripe-version'] : API_VERSION,
      'Cache-Control': 'no-cache, no-store',
    };
    // `Stripe-Context` (v2, and stripe-node's fetchRelatedObject for a connected account's thin event) names
    // the connected account as `Stripe-Account` does; a context path (`acct_1/acct_2`) is not emulated.
    const context =
      typeof h['stripe-context'] === 'string' && h['stripe-context'] ? h['stripe-context'] : undefined;
    const stripeAccount = typeof h['stripe-account'] === 'string' ? h['stripe-account'] : context;
    if (stripeAccount) headers['Stripe-Account'] = stripeAccount;
    const idemKey = typeof h['idempotency-key'] === 'string' ? h['idempotency-key'] : null;
    if (idemKey) headers['Idempotency-Key'] = idemKey;
    const logged = admin.logRequest({ method, path, idempotency_key: idemKey, replayed: false });
    return { requestId, headers, stripeAccount, idemKey, logged };
  }
  type Call = ReturnType<typeof begin>;

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: string) {
    const method = req.method ?? 'GET';
    const h = req.headers;
    const call = begin(method, path, h);
    const { headers, idemKey } = call;

    const outage = admin.outage.effectFor(method, path);
    if (outage?.kind === 'hang') {
      admin.outage.hang(req, res);
      return;
    }
    if (outage?.kind === 'respond') {
      send(res, outage.error.status, { ...headers, ...outage.error.headers }, toJson(outage.error));
      return;
    }
    let drop = outage?.kind === 'drop';
    let withhold = false;
    let storedError: StripeError | null = null;
    const fault = outage ? undefined : admin.faults.take(method, path);
    if (fault) {
      if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
      if (fault.kind === 'timeout') {
        admin.faults.hang(req, res);
        return;
      }
      if (fault.kind === 'key_in_use') {
        const err = idempotencyInUse(idemKey ?? '');
        send(res, err.status, { ...headers, ...err.headers }, toJson(err));
        return;
      }
      if (fault.kind === 'error' || fault.kind === 'rate_limit') {
        const err = fault.kind === 'rate_limit' ? admin.faults.rateLimit() : apiError();
        const status = fault.status ?? err.status;
        send(res, status, { ...headers, ...err.headers }, toJson(err));
        return;
      }
      if (fault.kind === 'stored_error') storedError = apiError();
      drop = fault.kind === 'drop_response';
      withhold = fault.kind === 'withhold_response';
    }

    const isMultipart = (h['content-type'] ?? '').startsWith('multipart/form-data');
    const { status, body } = await execute(call, method, path, h, storedError, async () => {
      if (isMultipart) {
        const mp = await parseMultipart(req);
        return { params: mp.fields, files: mp.files };
      }
      const raw = method === 'GET' || method === 'DELETE' ? query : (await readBody(req)).toString('utf8');
      return { params: paramsOf(method, path, h, raw) };
    });
    if (drop) {
      req.socket.destroy();
      return;
    }
    if (withhold) {
      admin.faults.hang(req, res);
      return;
    }
    send(res, status, headers, body);
  }

  /** Parses, authenticates, routes and runs one API request under its idempotency key. */
  async function execute(
    call: Call,
    method: string,
    path: string,
    h: IncomingHttpHeaders,
    storedError: StripeError | null,
    read: () => Promise<{ params: Params; files?: Map<string, UploadedFile> }>,
  ): Promise<{ status: number; body: string }> {
    const { requestId, headers, stripeAccount, idemKey, logged } = call;
    let status = 200;
    let body: string;
    let storeKey: string | null = null;
    let requestFingerprint = '';
    try {
      const { params, files } = await read();
      const key = apiKeyOf(h.authorization);
      const base = accountForKey(app, key);
      const account = scopeAccount(app, key, base, stripeAccount);
      const match = router.match(method, path);
      if (!match) throw unrecognized(method, path);
      // `expand[]=` (an empty entry) names no property: it fails as one that cannot be expanded.
      const expand = (params.expand === undefined ? [] : (arr(str)(params.expand, 'expand') ?? [])).map(
        String,
      );
      delete params.expand;
      if (idemKey && (method === 'POST' || (method === 'DELETE' && path.startsWith('/v2/')))) {
        storeKey = `${account} ${method} ${path} ${idemKey}`;
        requestFingerprint = fingerprint([params, expand]);
        const prior = idempotency.get(storeKey);
        if (prior) {
          if (prior.fingerprint !== requestFingerprint) throw idempotencyMismatch(idemKey);
          headers['Idempotent-Replayed'] = 'true';
          logged.replayed = true;
          headers['Original-Request'] = prior.requestId;
          return { status: prior.status, body: prior.body };
        }
        if (idempotency.inFlight.has(storeKey)) throw idempotencyInUse(idemKey);
        idempotency.inFlight.add(storeKey);
      }
      // Stripe keeps the result of a request that started executing under its key, a 500 included
      if (storedError) throw storedError;
      const ctx: Ctx = {
        app,
        account,
        platform: account === app.config.platformAccountId,
        requestId,
        apiVersion: headers['Stripe-Version'],
        idempotencyKey: idemKey,
        method,
        params,
        path: match.params,
        files,
      };
      // Requests about a customer on a test clock happen at the clock's time.
      const clockTime = requestClockTime(app, account, [params.customer, ...match.params]);
      let result = clockTime === null ? match.handler(ctx) : atTime(clockTime, () => match.handler(ctx));
      if (result instanceof Promise) result = await result;
      body = JSON.stringify(expand.length ? applyExpand(result, expand, app.store) : result);
    } catch (e) {
      const err = e instanceof StripeError ? e : apiError();
      if (!(e instanceof StripeError)) console.error('[sandbox] unhandled error', e);
      status = err.status;
      Object.assign(headers, err.headers);
      body = toJson(err);
      if (!err.saveIdempotent && storeKey) {
        idempotency.inFlight.delete(storeKey);
        storeKey = null;
      }
    }
    if (storeKey) {
      idempotency.inFlight.delete(storeKey);
      idempotency.set(storeKey, {
        fingerprint: requestFingerprint,
        status,
        body,
        requestId,
        created: Date.now(),
      });
    }
    return { status, body };
  }

  const call: InProcessCall = (req) => {
    if (admin.outage.active() || admin.faults.list().length > 0) return null;
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) return null;
    // HTTP refuses it with its 413
    if (Buffer.byteLength(req.body) > MAX_BODY_BYTES) return null;
    const { path, query } = splitUrl(req.url);
    const c = begin(req.method, path, req.headers);
    const raw = req.method === 'GET' || req.method === 'DELETE' ? query : req.body;
    return execute(c, req.method, path, req.headers, null, async () => ({
      params: paramsOf(req.method, path, req.headers, raw),
    })).then(({ status, body }) => {
      const headers: Record<string, string> = { 'content-length': String(Buffer.byteLength(body)) };
      for (const [name, value] of Object.entries(c.headers)) headers[name.toLowerCase()] = value;
      return { status, headers, body };
    });
  };

  const server = http.createServer((req, res) => {
    const { path, query } = splitUrl(req.url ?? '/');
    let p: Promise<unknown>;
    if (path.startsWith('/_sandbox/')) p = admin.handle(req, res, path, query);
    else if (pages.matches(path)) p = pages.handle(req, res, path, query);
    else p = handleApi(req, res, path, query);
    p.catch((e: unknown) => {
      console.error('[sandbox] request failed', e);
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'application/json' }, toJson(apiError()));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  return { server, call };
}

function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

function paramsOf(method: string, path: string, h: IncomingHttpHeaders, raw: string): Params {
  const isJson = path.startsWith('/v2/') || (h['content-type'] ?? '').includes('application/json');
  return isJson && method !== 'GET' && method !== 'DELETE' ? parseJson(raw) : parseForm(raw);
}

export { parseForm };
