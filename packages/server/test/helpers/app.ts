import type { FastifyInstance } from 'fastify';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import * as apiKeys from '../../src/api-keys/service.ts';
import { type AppOptions, buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Ctx } from '../../src/context.ts';
import type { Database } from '../../src/db/client.ts';
import { asUuid, toPublicId } from '../../src/http/ids.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { allScopes } from '../../src/scope/scopes.ts';
import { scopeInTenant } from '../../src/scope/tenant.ts';
import { StripeRef } from '../../src/stripe/client.ts';
import type { GatewayPolicy } from '../../src/stripe/gateway.ts';
import * as tenants from '../../src/tenants/service.ts';
import { testDatabase } from './db.ts';

/** The inbound webhook secret every test app accepts unless a test configures others. */
export const TEST_WEBHOOK_SECRET = 'whsec_tributary_test_secret';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
    ...env,
  });
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  config: Config;
  /** A platform secret key. */
  platformKey: string;
  systemCtx: Ctx;
  /** The sandbox this app talks to, when startTestApp started one (no STRIPE_API_BASE given). */
  sandbox: Sandbox | null;
  close(): Promise<void>;
}

/** The real app on the worker's shared database, served through `app.inject` (or `listen` when a test needs HTTP). */
export async function startTestApp(
  opts: {
    env?: Record<string, string>;
    database?: Database;
    sandbox?: boolean;
    log?: Logger;
    testHooks?: AppOptions['testHooks'];
    /** consulted around each of the app's Stripe calls instead of today's (send every call) */
    stripePolicy?: GatewayPolicy;
  } = {},
): Promise<TestApp> {
  const database = opts.database ?? (await testDatabase());
  // Stripe calls go to a sandbox of this app's own on a random port (never a dev server on 12111), unless
  // the test points elsewhere.
  const sandbox =
    opts.sandbox !== false && !opts.env?.STRIPE_API_BASE && !opts.env?.STRIPE_SECRET_KEY
      ? await startSandbox({ port: 0 })
      : null;
  const config = testConfig({
    ...(sandbox ? { STRIPE_API_BASE: sandbox.url, STRIPE_CONNECT_CLIENT_ID: sandbox.connectClientId } : {}),
    ...opts.env,
  });
  const log = opts.log ?? createLogger('silent');
  const stripe = opts.stripePolicy ? new StripeRef(config, { policy: opts.stripePolicy }) : undefined;
  const app = await buildApp({ config, database, log, testHooks: opts.testHooks, stripe });
  const systemCtx: Ctx = {
    db: database.db,
    config,
    actor: { kind: 'system', label: 'test' },
    requestId: 'req_test',
    log,
  };
  const { secret } = await apiKeys.createPlatformKey(systemCtx, {
    name: 'test platform key',
    type: 'secret',
  });
  return {
    app,
    database,
    config,
    platformKey: secret,
    systemCtx,
    sandbox,
    close: async () => {
      await app.close();
      await sandbox?.close();
    },
  };
}

export interface TestTenant {
  id: string;
  publicId: string;
  /** a tenant secret key */
  key: string;
}

let counter = 0;
export async function createTestTenant(t: TestApp, name = `Tenant ${++counter}`): Promise<TestTenant> {
  const row = await tenants.createTenant(t.systemCtx, { name });
  const publicId = toPublicId('tenant', row.id);
  const { secret } = await apiKeys.createTenantKey(scopeInTenant(t.systemCtx, asUuid('tenant', row.id)), {
    name: 'test key',
    type: 'secret',
  });
  return { id: row.id, publicId, key: secret };
}

export async function restrictedKey(t: TestApp, tenant: TestTenant, scopes: string[]): Promise<string> {
  const { secret } = await apiKeys.createTenantKey(scopeInTenant(t.systemCtx, asUuid('tenant', tenant.id)), {
    name: 'restricted',
    type: 'restricted',
    scopes,
  });
  return secret;
}

export interface TestSession {
  cookie: string;
  csrf: string;
  userId: string;
}

/** Signs a user in through a real dashboard link, as the platform's app would hand one out. */
export async function sessionFor(
  t: TestApp,
  tenant: TestTenant,
  email: string,
  role: 'owner' | 'admin' | 'member' | 'support',
): Promise<TestSession> {
  const link = await t.app.inject({
    method: 'POST',
    url: `/v1/tenants/${tenant.publicId}/dashboard_links`,
    headers: { authorization: `Bearer ${t.platformKey}` },
    payload: { email, role },
  });
  if (link.statusCode !== 200) throw new Error(`dashboard link failed: ${link.body}`);
  const path = new URL(link.json().url).pathname;
  const opened = await t.app.inject({ method: 'GET', url: path });
  const setCookie = opened.cookies.find((c) => c.name === 'trb_session');
  if (!setCookie) throw new Error(`no session cookie: ${opened.statusCode} ${opened.headers.location}`);
  const cookie = `trb_session=${setCookie.value}`;
  const session = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } });
  return { cookie, csrf: session.json().csrf_token, userId: session.json().user.id };
}

export const everyScope = allScopes;

export function bearer(key: string) {
  return { authorization: `Bearer ${key}` };
}

export function asSession(s: TestSession) {
  return { cookie: s.cookie, 'x-csrf-token': s.csrf };
}
