import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isStripeCurrency } from './currency.ts';
import type { AppLogin } from './db/client.ts';

// Every setting Tributary reads, parsed once at start-up. Documented in README.md (keep both in step).
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number) => z.coerce.number().int().default(def);
/** `{"usd": 30, "eur": 25}`: lowercase currency → non-negative minor units (payments). */
const perCurrency = (def: string) =>
  z
    .string()
    .default(def)
    .transform((v, ctx) => {
      try {
        const o = JSON.parse(v) as unknown;
        if (
          o &&
          typeof o === 'object' &&
          !Array.isArray(o) &&
          Object.entries(o).every(
            ([k, n]) =>
              isStripeCurrency(k) && k === k.toLowerCase() && Number.isInteger(n) && (n as number) >= 0,
          )
        )
          return o as Record<string, number>;
      } catch {}
      ctx.addIssue({
        code: 'custom',
        message: 'a JSON object of lowercase currency Stripe supports → integer minor units',
      });
      return z.NEVER;
    });

// `{"US/usd": {"percent_bps": 290, "fixed": 30}}`: Stripe's price by (settlement country, currency); a `*`
// for the country prices the currency in any country.
const stripeRates = z
  .string()
  .default('{}')
  .transform((v, ctx) => {
    const rate = z.strictObject({
      percent_bps: z.number().int().min(0).max(10_000),
      fixed: z.number().int().min(0),
    });
    const key = /^([A-Z]{2}|\*)\/[a-z]{3}$/;
    try {
      const o = z.record(z.string().regex(key), rate).safeParse(JSON.parse(v));
      if (o.success && Object.keys(o.data).every((k) => isStripeCurrency(k.slice(-3))))
        return Object.fromEntries(
          Object.entries(o.data).map(([k, r]) => [k, { percentBps: r.percent_bps, fixed: r.fixed }]),
        );
    } catch {}
    ctx.addIssue({
      code: 'custom',
      message: 'a JSON object of "COUNTRY/currency" (or "*/currency") → {"percent_bps": n, "fixed": n}',
    });
    return z.NEVER;
  });

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: int(3000).pipe(z.number().min(0).max(65535)),
    PUBLIC_URL: z.url().optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
      .optional(),
    // the role the server logs in as on Postgres: the one `migrate` manages, or the operator's
    DATABASE_APP_PASSWORD: z.string().min(16, 'at least 16 characters').optional(),
    DATABASE_APP_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
      .optional(),
    DATABASE_POOL_SIZE: int(10).pipe(z.number().min(1).max(200)),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_PRETTY: bool.optional(),
    SESSION_TTL_HOURS: int(12).pipe(
      z
        .number()
        .min(1)
        .max(24 * 30),
    ),
    DASHBOARD_LINK_TTL_SECONDS: int(300).pipe(z.number().min(30).max(3600)),
    /** days a team invitation (made on the Team page) stays valid until used or revoked */
    INVITATION_TTL_DAYS: int(7).pipe(z.number().min(1).max(30)),
    /** days handled Stripe events and settled outbound events are kept; 0 keeps them forever */
    EVENT_RETENTION_DAYS: int(30).pipe(
      z
        .number()
        .refine(
          (n) => n === 0 || n >= 7,
          'must be 0 (keep forever) or at least 7 (Stripe redelivers for 3 days)',
        ),
    ),
    COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
    BODY_LIMIT_BYTES: int(1_048_576).pipe(z.number().min(1024)),
    // support queries (docs/support.md): lookups a platform-wide caller may make per minute, per credential
    SUPPORT_RATE_LIMIT_PER_MINUTE: int(60).pipe(z.number().min(1).max(100_000)),
    // keys signing the links Tributary e-mails (a recovery page's): comma-separated, the first signs, every one
    // verifies (rotation); unset outside production: a random key per process
    TOKEN_SIGNING_SECRETS: z
      .string()
      .refine(
        (v) => v.split(',').every((k) => k.trim().length >= 32),
        'comma-separated keys of at least 32 characters each',
      )
      .optional(),
    IDEMPOTENCY_TTL_HOURS: int(24).pipe(
      z
        .number()
        .min(1)
        .max(24 * 7),
    ),
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/, 'must start with sk_test_, sk_live_, rk_test_ or rk_live_')
      .optional(),
    STRIPE_API_BASE: z.url().optional(),
    STRIPE_CONNECT_BASE: z.url().optional(),
    STRIPE_WEBHOOK_SECRETS: z.string().optional(),
    // Stripe call limits: each try, the retries of a call during a request and in the
    // worker, and one request's time for all its calls (under the 60 s a request holds its Idempotency-Key).
    STRIPE_TIMEOUT_MS: int(10_000).pipe(z.number().min(100).max(80_000)),
    STRIPE_MAX_NETWORK_RETRIES: int(1).pipe(z.number().min(0).max(5)),
    STRIPE_WORKER_MAX_NETWORK_RETRIES: int(2).pipe(z.number().min(0).max(10)),
    STRIPE_REQUEST_BUDGET_MS: int(30_000).pipe(z.number().min(100).max(50_000)),
    // Connect: the kind of account tenants get, where onboarding sends them back, OAuth's client id.
    STRIPE_CONNECT_CLIENT_ID: z.string().regex(/^ca_/, 'must start with ca_').optional(),
    CONNECT_ACCOUNT_KIND: z.enum(['express', 'standard']).default('express'),
    CONNECT_COUNTRY: z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'a two-letter country code')
      .transform((v) => v.toUpperCase())
      .default('US'),
    CONNECT_RETURN_URL: z.url().optional(),
    CONNECT_REFRESH_URL: z.url().optional(),
    // Webhook pipeline: signature tolerance both ways, processing retries, outbound delivery.
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: int(300).pipe(z.number().min(1).max(3600)),
    WEBHOOK_RETRY_LIMIT: int(8).pipe(z.number().min(0).max(50)),
    WEBHOOK_RETRY_DELAY_SECONDS: int(300).pipe(z.number().min(1)),
    WEBHOOK_JOB_EXPIRE_SECONDS: int(300).pipe(z.number().min(1)),
    WEBHOOK_WORKER_CONCURRENCY: int(8).pipe(z.number().min(1).max(256)),
    WEBHOOK_REFETCH: bool.default(true),
    WEBHOOK_YIELD_MAX_LAG_SECONDS: int(5).pipe(z.number().min(0).max(3600)),
    OUTBOUND_RETRY_SCHEDULE: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated seconds')
      .default('5,300,1800,7200,18000,36000,36000,86400,86400'),
    OUTBOUND_DISABLE_AFTER_HOURS: z.coerce.number().min(0).default(72),
    OUTBOUND_TIMEOUT_MS: int(15_000).pipe(z.number().min(100)),
    OUTBOUND_SECRET_GRACE_HOURS: z.coerce.number().min(0).default(24),
    // Payments: the platform's default application fee and Stripe's price as the platform pays it.
    PLATFORM_FEE_BPS: int(0).pipe(z.number().min(0).max(10_000)),
    PLATFORM_FEE_FIXED: perCurrency('{}'),
    PLATFORM_FEE_MIN: perCurrency('{}'),
    PLATFORM_FEE_MAX: perCurrency('{}'),
    PLATFORM_FEE_PASS_THROUGH: bool.default(true),
    STRIPE_PRICING_BPS: int(290).pipe(z.number().min(0).max(10_000)),
    STRIPE_PRICING_FIXED: perCurrency('{"usd":30}'),
    // Stripe's price by (settlement country, currency), over the built-in table (fees/stripe-rates.ts)
    STRIPE_PRICING: stripeRates,
    SANDBOX_PORT: int(12111).pipe(z.number().min(0).max(65535)),
    // E-mail: the SMTP server (none: kept in the outbox, the mailbox), the From address, who alerts owners.
    SMTP_URL: z
      .string()
      .refine(
        (v) => URL.canParse(v) && /^smtps?:$/.test(new URL(v).protocol) && new URL(v).hostname !== '',
        'must be smtp://[user:pass@]host[:port] or smtps://… (TLS from the start)',
      )
      .optional(),
    EMAIL_FROM: z
      .string()
      .refine(
        (v) => parseMailbox(v) !== null,
        'must be an address, or a name and one: Acme <billing@acme.com>',
      )
      .optional(),
    OWNER_ALERTS_SENDER: z.enum(['tributary', 'platform']).optional(),
    NOTIFICATION_RETRY_LIMIT: int(8).pipe(z.number().min(0).max(50)),
    NOTIFICATION_RETRY_DELAY_SECONDS: int(30).pipe(z.number().min(1)),
    NOTIFICATION_JOB_EXPIRE_SECONDS: int(120).pipe(z.number().min(1)),
    // each SMTP wait (connecting, the greeting, a silent socket); unset: a quarter of the job's expiry, ≤ 30 s
    NOTIFICATION_SMTP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).optional(),
    // days before a subscription renews that its customer is reminded (when the tenant sends reminders); 0: never
    RENEWAL_REMINDER_DAYS: int(7).pipe(z.number().min(0).max(60)),
    // features of the tenants' plans the entitlements report false while a tenant is in dunning's warning or
    // suspended phase (comma-separated keys); the platform's app applies them
    DUNNING_RESTRICTED_FEATURES: z
      .string()
      .regex(/^[^,\s]+(,[^,\s]+)*$/, 'comma-separated feature keys, no spaces')
      .optional(),
    // Dunning (the platform billing its tenants): retry days after a renewal failed, the day of suspension,
    // and what happens DUNNING_FINAL_AFTER_DAYS after it
    DUNNING_RETRY_DAYS: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'comma-separated days after the failure, ascending')
      .default('1,3,5')
      .refine((v) => {
        const days = v.split(',').map(Number);
        return days.every((d, i) => d >= 1 && d <= 60 && (i === 0 || d > days[i - 1]!));
      }, 'ascending days from 1 to 60'),
    DUNNING_GRACE_DAYS: int(7).pipe(z.number().min(1).max(90)),
    DUNNING_FINAL_ACTION: z.enum(['none', 'downgrade_to_free', 'cancel']).default('none'),
    DUNNING_FINAL_AFTER_DAYS: int(14).pipe(z.number().min(0).max(365)),
    TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND: bool.optional(),
    TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY: bool.optional(),
  })
  .superRefine((c, ctx) => {
    for (const [path, message] of databaseLoginIssues(c))
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.STRIPE_SECRET_KEY?.includes('_live_') && c.NODE_ENV !== 'production') {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message: 'live keys need NODE_ENV=production',
      });
    }
    if (!c.TOKEN_SIGNING_SECRETS && c.NODE_ENV === 'production')
      ctx.addIssue({
        code: 'custom',
        path: ['TOKEN_SIGNING_SECRETS'],
        message:
          'required with NODE_ENV=production: the key signing e-mailed links (32+ random characters), the same on every server and worker',
      });
    if (c.SMTP_URL && !c.EMAIL_FROM)
      ctx.addIssue({
        code: 'custom',
        path: ['EMAIL_FROM'],
        message: 'required with SMTP_URL: the From address of every e-mail (Acme <billing@acme.com>)',
      });
    // connecting, the greeting and a silent socket can each take the timeout: all three within one expiry,
    // or pg-boss retries a send that is still running
    if (
      c.NOTIFICATION_SMTP_TIMEOUT_SECONDS !== undefined &&
      c.NOTIFICATION_SMTP_TIMEOUT_SECONDS * 3 >= c.NOTIFICATION_JOB_EXPIRE_SECONDS
    )
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFICATION_SMTP_TIMEOUT_SECONDS'],
        message: 'three times it must stay under NOTIFICATION_JOB_EXPIRE_SECONDS',
      });
    const retryDays = c.DUNNING_RETRY_DAYS.split(',').map(Number);
    if (retryDays.at(-1)! >= c.DUNNING_GRACE_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['DUNNING_GRACE_DAYS'],
        message: 'must come after the last of DUNNING_RETRY_DAYS (suspension follows the last retry)',
      });
    if (c.TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY && c.NODE_ENV !== 'test')
      ctx.addIssue({
        code: 'custom',
        path: ['TRIBUTARY_TEST_CRASH_AFTER_DUNNING_PAY'],
        message: 'a test hook: only with NODE_ENV=test',
      });
    if (c.TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND && c.NODE_ENV !== 'test')
      ctx.addIssue({
        code: 'custom',
        path: ['TRIBUTARY_TEST_CRASH_AFTER_SMTP_SEND'],
        message: 'a test hook: only with NODE_ENV=test',
      });
  });

/** `billing@acme.com` or `Acme <billing@acme.com>` → its parts; null when it is neither. */
export function parseMailbox(v: string): { name: string | null; address: string } | null {
  const address = /^[^\s<>@",;:()[\]\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
  const bare = v.trim();
  if (address.test(bare)) return { name: null, address: bare };
  const m = /^\s*"?([^"<>\r\n]*?)"?\s*<([^<>]+)>\s*$/.exec(v);
  if (!m || !address.test(m[2]!)) return null;
  return { name: m[1]!.trim() || null, address: m[2]! };
}

/** No insecure default for the server's database login: see docs/security.md (the login role). */
function databaseLoginIssues(c: {
  NODE_ENV: string;
  DATABASE_URL?: string;
  DATABASE_APP_URL?: string;
  DATABASE_APP_PASSWORD?: string;
}): [string, string][] {
  if (c.DATABASE_APP_URL) {
    if (!c.DATABASE_URL) return [['DATABASE_APP_URL', "needs DATABASE_URL (the owner's, for migrations)"]];
    if (!URL.canParse(c.DATABASE_APP_URL) || !new URL(c.DATABASE_APP_URL).username)
      return [['DATABASE_APP_URL', 'must name the user the server logs in as']];
    if (c.DATABASE_APP_PASSWORD)
      return [
        ['DATABASE_APP_PASSWORD', 'set it or DATABASE_APP_URL (which carries its own password), not both'],
      ];
  } else if (c.DATABASE_URL && !c.DATABASE_APP_PASSWORD && c.NODE_ENV === 'production') {
    return [
      [
        'DATABASE_APP_PASSWORD',
        'required with NODE_ENV=production on Postgres: the password `tributary migrate` gives the role the server logs in as (or set DATABASE_APP_URL)',
      ],
    ];
  }
  return [];
}

export type Env = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

export interface Config extends Parsed {
  publicUrl: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'pg'; url: string; login: AppLogin };
  stripeMode: 'sandbox' | 'stripe';
  webhookSecrets: string[];
  /** TOKEN_SIGNING_SECRETS, the signing key first; outside production without it, one random key */
  signingSecrets: string[];
  /**
   * Whether Stripe's published prices (fees/stripe-rates.ts) estimate the pairs STRIPE_PRICING does not list:
   * not when STRIPE_PRICING_BPS or STRIPE_PRICING_FIXED is set, which then price every other pair as before.
   */
  stripePricingDefaults: boolean;
  /** DUNNING_RESTRICTED_FEATURES: the features reported false in dunning's warning and suspended phases */
  dunningRestrictedFeatures: string[];
  /** Days after a failed renewal on which dunning retries it (DUNNING_RETRY_DAYS), ascending. */
  dunningRetryDays: number[];
  /** Seconds to wait before each outbound retry; its length is the number of retries. */
  outboundRetrySchedule: number[];
  email: {
    /** `smtp` with SMTP_URL; else e-mails stay in the outbox, shown as the mailbox */
    transport: 'smtp' | 'mailbox';
    /** the From of every e-mail */
    from: string;
    /** the domain of the Message-IDs */
    domain: string;
    /** who e-mails owner alerts: Tributary (and `notify` leaves the webhook) or the platform's app */
    ownerAlertsSender: 'tributary' | 'platform';
    /** nodemailer's connection, greeting and socket timeouts: three of them fit in the send job's expiry */
    smtpTimeoutMs: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; a bad setting throws ConfigError naming each variable at fault. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(configSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = configSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return {
    ...c,
    publicUrl: (c.PUBLIC_URL ?? `http://${c.HOST === '0.0.0.0' ? 'localhost' : c.HOST}:${c.PORT}`).replace(
      /\/$/,
      '',
    ),
    database: c.DATABASE_URL
      ? {
          kind: 'pg',
          url: c.DATABASE_URL,
          login: c.DATABASE_APP_URL
            ? { kind: 'url', url: c.DATABASE_APP_URL }
            : { kind: 'managed', password: c.DATABASE_APP_PASSWORD ?? null },
        }
      : { kind: 'pglite', dataDir: `${c.DATA_DIR}/pglite` },
    stripeMode: c.STRIPE_SECRET_KEY ? 'stripe' : 'sandbox',
    webhookSecrets: (c.STRIPE_WEBHOOK_SECRETS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    signingSecrets: c.TOKEN_SIGNING_SECRETS
      ? c.TOKEN_SIGNING_SECRETS.split(',').map((k) => k.trim())
      : [randomBytes(32).toString('base64url')],
    outboundRetrySchedule: c.OUTBOUND_RETRY_SCHEDULE.split(',').map(Number),
    dunningRestrictedFeatures: c.DUNNING_RESTRICTED_FEATURES?.split(',') ?? [],
    dunningRetryDays: c.DUNNING_RETRY_DAYS.split(',').map(Number),
    email: emailConfig(c),
    stripePricingDefaults: known.STRIPE_PRICING_BPS === undefined && known.STRIPE_PRICING_FIXED === undefined,
  };
}

function emailConfig(c: Parsed): Config['email'] {
  const from = c.EMAIL_FROM ?? 'Tributary <notifications@localhost>';
  const embedded = !c.DATABASE_URL;
  return {
    transport: c.SMTP_URL ? 'smtp' : 'mailbox',
    from,
    domain: parseMailbox(from)!.address.split('@')[1]!,
    ownerAlertsSender: c.OWNER_ALERTS_SENDER ?? (c.SMTP_URL || embedded ? 'tributary' : 'platform'),
    smtpTimeoutMs:
      c.NOTIFICATION_SMTP_TIMEOUT_SECONDS !== undefined
        ? c.NOTIFICATION_SMTP_TIMEOUT_SECONDS * 1000
        : Math.min(30_000, Math.floor((c.NOTIFICATION_JOB_EXPIRE_SECONDS * 1000) / 4)),
  };
}
