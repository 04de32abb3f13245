import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { stripeFeeFor, stripePricing } from '../src/fees/service.ts';

describe('config', () => {
  it('has working defaults: embedded database and the sandbox', () => {
    const c = loadConfig({});
    expect(c.database).toEqual({ kind: 'pglite', dataDir: '.data/pglite' });
    expect(c.stripeMode).toBe('sandbox');
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
  });

  it('names every bad variable', () => {
    const bad = () =>
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', STRIPE_SECRET_KEY: 'pk_test_1' });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/DATABASE_URL/);
      expect((err as Error).message).toMatch(/STRIPE_SECRET_KEY/);
    }
  });

  it("Stripe's price: STRIPE_PRICING over the published table; the old variables alone price as before", () => {
    const c = loadConfig({
      STRIPE_PRICING:
        '{"US/usd": {"percent_bps": 250, "fixed": 25}, "*/eur": {"percent_bps": 300, "fixed": 20}}',
    });
    expect(stripePricing(c)).toMatchObject({
      country: 'US',
      rates: {
        'US/usd': { percentBps: 250, fixed: 25 },
        '*/eur': { percentBps: 300, fixed: 20 },
        'GB/gbp': { percentBps: 150, fixed: 20 },
      },
    });
    const legacy = stripePricing(loadConfig({ STRIPE_PRICING_BPS: '340' }));
    expect(legacy).toMatchObject({ rates: {}, percentBps: 340, fixed: { usd: 30 } });
    expect(stripeFeeFor(10_000, 'usd', legacy)).toBe(370);
    for (const bad of [
      '{"usd": {"percent_bps": 1, "fixed": 1}}',
      '{"US/xyz": {"percent_bps": 1, "fixed": 1}}',
      '{"US/usd": {"percent_bps": -1, "fixed": 1}}',
    ])
      expect(() => loadConfig({ STRIPE_PRICING: bad })).toThrow(/STRIPE_PRICING/);
    expect(() => loadConfig({ PLATFORM_FEE_FIXED: '{"xyz": 10}' })).toThrow(/PLATFORM_FEE_FIXED/);
  });

  it('refuses live keys outside production and splits webhook secrets', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_live_abc' })).toThrow(/STRIPE_SECRET_KEY/);
    const c = loadConfig({ STRIPE_WEBHOOK_SECRETS: 'whsec_a, whsec_b,,', DATABASE_URL: 'postgres://u@h/db' });
    expect(c.webhookSecrets).toEqual(['whsec_a', 'whsec_b']);
    expect(c.database).toEqual({
      kind: 'pg',
      url: 'postgres://u@h/db',
      login: { kind: 'managed', password: null },
    });
  });

  it('the server logs in as its own role on Postgres: a password for it, or the operator URL', () => {
    const pgUrl = 'postgres://owner@h/db';
    const password = 'a-long-enough-password';
    expect(loadConfig({ DATABASE_URL: pgUrl, DATABASE_APP_PASSWORD: password }).database).toEqual({
      kind: 'pg',
      url: pgUrl,
      login: { kind: 'managed', password },
    });
    expect(loadConfig({ DATABASE_URL: pgUrl, DATABASE_APP_URL: 'postgres://app:pw@h/db' }).database).toEqual({
      kind: 'pg',
      url: pgUrl,
      login: { kind: 'url', url: 'postgres://app:pw@h/db' },
    });
    // no insecure default: production needs one of them
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: pgUrl })).toThrow(
      /DATABASE_APP_PASSWORD: required with NODE_ENV=production/,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: pgUrl,
        DATABASE_APP_PASSWORD: password,
        TOKEN_SIGNING_SECRETS: 's'.repeat(32),
      }).database,
    ).toMatchObject({ login: { kind: 'managed', password } });
    expect(() => loadConfig({ DATABASE_URL: pgUrl, DATABASE_APP_PASSWORD: 'short' })).toThrow(
      /DATABASE_APP_PASSWORD: at least 16 characters/,
    );
    expect(() => loadConfig({ DATABASE_APP_URL: 'postgres://app@h/db' })).toThrow(
      /DATABASE_APP_URL: needs DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: pgUrl, DATABASE_APP_URL: 'postgres://h/db' })).toThrow(
      /DATABASE_APP_URL: must name the user/,
    );
    expect(() =>
      loadConfig({
        DATABASE_URL: pgUrl,
        DATABASE_APP_URL: 'postgres://app@h/db',
        DATABASE_APP_PASSWORD: password,
      }),
    ).toThrow(/DATABASE_APP_PASSWORD: .*DATABASE_APP_URL/);
  });

  it('signs links with TOKEN_SIGNING_SECRETS: required in production, a random key per process otherwise', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TOKEN_SIGNING_SECRETS: required/);
    expect(() => loadConfig({ TOKEN_SIGNING_SECRETS: 'short' })).toThrow(/TOKEN_SIGNING_SECRETS/);
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(40);
    expect(loadConfig({ TOKEN_SIGNING_SECRETS: `${a}, ${b}` }).signingSecrets).toEqual([a, b]);
    const [one] = loadConfig({}).signingSecrets;
    expect(one!.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).signingSecrets[0]).not.toBe(one);
  });
});
