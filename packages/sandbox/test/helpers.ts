// Test helpers: start a sandbox on a random port and point the official SDK at it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import Stripe from 'stripe';
import { type Sandbox, type SandboxOptions, startSandbox } from '../src/index.ts';

export async function start(opts: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, webhookRetrySchedule: [0.2, 0.2], asyncPaymentDelayMs: 60_000, ...opts });
}

export function client(sb: Sandbox, config: Stripe.StripeConfig = {}, key = 'sk_test_123'): Stripe {
  return new Stripe(key, {
    host: '127.0.0.1',
    port: sb.port,
    protocol: 'http',
    maxNetworkRetries: 0,
    ...config,
  });
}

export async function admin<T = Record<string, unknown>>(
  sb: Sandbox,
  path: string,
  body?: unknown,
  method = 'POST',
): Promise<T> {
  const res = await fetch(`${sb.url}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  return (await res.json()) as T;
}

export interface Received {
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A local HTTP receiver for webhooks; `status` decides the answer (may change per call). */
export async function receiver(status: (n: number) => number = () => 200) {
  const received: Received[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(status(n++));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function until<T>(fn: () => T | Promise<T>, what = 'condition', tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Advances a test clock and waits until it is `ready` again (its jobs have run); returns the advance's answer. */
export async function advanceClock(
  stripe: Stripe,
  clock: string,
  to: number,
  opts?: Stripe.RequestOptions,
): Promise<Stripe.TestHelpers.TestClock> {
  const advancing = await stripe.testHelpers.testClocks.advance(clock, { frozen_time: to }, opts);
  await until(
    async () => (await stripe.testHelpers.testClocks.retrieve(clock, {}, opts)).status === 'ready',
    'clock ready',
  );
  return advancing;
}

export interface HostedPages {
  sb: Sandbox;
  stripe: Stripe;
  app: Awaited<ReturnType<typeof receiver>>;
  browser: Browser;
  page: Page;
}

/** A sandbox, a webhook receiver and a headless Chromium page, for the hosted-page tests. Without Chromium
 * (Debian's `/usr/bin/chromium`, or `CHROMIUM_PATH`) they fail, as the server's browser tests do. */
export async function openHostedPages(): Promise<HostedPages> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const sb = await start();
  const app = await receiver();
  return { sb, stripe: client(sb), app, browser, page: await browser.newPage() };
}

export async function closeHostedPages(h: Partial<HostedPages> | undefined): Promise<void> {
  await h?.browser?.close();
  await h?.app?.close();
  await h?.sb?.close();
}
