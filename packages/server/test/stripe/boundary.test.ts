import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../helpers/sources.ts';

/**
 * stripe/ is the one way out to Stripe: only its files import the `stripe` package (types included: the
 * rest of the server imports them from stripe/client.ts), and nothing else reaches the SDK's client or builds
 * a call's request options (its account, its idempotency key) by hand.
 */
// (test/architecture/boundaries.test.ts reads the same tree for the domains' boundaries)
const files = sourceFiles();
const outside = files.filter((f) => !f.path.startsWith('stripe/'));

/** `from 'stripe'`, `from "stripe/…"`, `import 'stripe'`, `import('stripe')`, `require('stripe')` */
const importsStripe = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]stripe(?:\/[^'"]*)?['"]/;

function offending(pattern: RegExp): string[] {
  return outside.flatMap((f) =>
    f.text
      .split('\n')
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => pattern.test(line))
      .map(({ line, i }) => `${f.path}:${i + 1}: ${line.trim()}`),
  );
}

describe('the Stripe boundary', () => {
  it('reads the whole source tree (the scan finds the imports stripe/ itself has)', () => {
    expect(outside.length).toBeGreaterThan(50);
    const own = files.filter((f) => f.path.startsWith('stripe/') && importsStripe.test(f.text));
    expect(own.map((f) => f.path)).toContain('stripe/gateway.ts');
  });

  it('no file outside stripe/ imports the stripe package, not even its types', () => {
    expect(offending(importsStripe)).toEqual([]);
  });

  it("no file outside stripe/ reaches the SDK's client or sets a call's account or idempotency key", () => {
    expect(offending(/\.stripe\.stripe\b/)).toEqual([]);
    expect(offending(/\b(?:idempotencyKey|stripeAccount)\s*:/)).toEqual([]);
    expect(offending(/`tributary:[a-z_]+:\$\{/)).toEqual([]);
  });
});
