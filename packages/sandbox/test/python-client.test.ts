// A second client library against the sandbox: Debian's python3-stripe (an older major version, which sends
// booleans as `True`/`False` and no Stripe-Version header) runs test/python/compat.py. Without
// /usr/bin/python3 or its stripe module the test fails: `apt-get install python3-stripe`.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION } from '../src/config.ts';
import type { Sandbox } from '../src/index.ts';
import { start } from './helpers.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/compat.py', import.meta.url));
const INSTALL = 'python3-stripe is required: apt-get install python3-stripe';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function python(args: string[], timeout = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: err && code === -1 ? `${err.message}\n${stderr}` : stderr });
    });
  });
}

interface Check {
  name: string;
  ok: boolean;
  detail: unknown;
}

let sb: Sandbox;
beforeAll(async () => {
  sb = await start();
});
afterAll(async () => {
  await sb?.close();
});

describe('python3-stripe against the sandbox', () => {
  it('has python3 and the stripe module', async () => {
    const run = await python(['-c', 'import stripe, stripe.version; print(stripe.version.VERSION)']);
    expect(run.code, `${INSTALL}\n${run.stderr}`).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+/);
  });

  it('customers, payment intents, card errors, Connect and webhook signatures', async () => {
    const run = await python([SCRIPT, sb.url, API_VERSION]);
    let report: { stripe_python: string; checks: Check[] };
    try {
      report = JSON.parse(run.stdout);
    } catch {
      throw new Error(
        `compat.py printed no report (exit ${run.code}; ${INSTALL}?)\n${run.stdout}\n${run.stderr}`,
      );
    }
    const failed = report.checks.filter((c) => !c.ok);
    expect(failed.map((c) => `${c.name}\n${String(c.detail)}`).join('\n\n')).toBe('');
    expect(report.checks.map((c) => c.name)).toHaveLength(6);
    expect(run.code, run.stderr).toBe(0);

    const detail = Object.fromEntries(report.checks.map((c) => [c.name.split(':')[0], c.detail]));
    const cards = detail['card errors'] as Record<string, string>;
    expect(cards.pm_card_chargeDeclinedInsufficientFunds).toBe('insufficient_funds');
    const customers = detail.customers as { stripe_version: string };
    expect(customers.stripe_version).toBe(API_VERSION);
  });
});

describe('what older clients send', () => {
  async function post(path: string, body: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${sb.url}${path}`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer sk_test_raw',
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      body,
    });
    return { status: res.status, version: res.headers.get('stripe-version'), json: await res.json() };
  }

  it('parses booleans in any case and answers in the default version without Stripe-Version', async () => {
    for (const [sent, status] of [
      ['True', 'succeeded'],
      ['TRUE', 'succeeded'],
      ['true', 'succeeded'],
      ['False', 'requires_confirmation'],
      ['FALSE', 'requires_confirmation'],
    ] as const) {
      const r = await post(
        '/v1/payment_intents',
        `amount=500&currency=usd&payment_method=pm_card_visa&confirm=${sent}`,
      );
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.version).toBe(API_VERSION);
      expect(r.json.status).toBe(status);
    }
    const bad = await post('/v1/payment_intents', 'amount=500&currency=usd&confirm=yes');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('parameter_invalid_boolean');
  });

  it('echoes a Stripe-Version the client pins', async () => {
    const r = await post('/v1/customers', 'email=pinned@example.com', {
      'stripe-version': '2026-09-30.endive',
    });
    expect(r.status).toBe(200);
    expect(r.version).toBe('2026-09-30.endive');
  });
});
