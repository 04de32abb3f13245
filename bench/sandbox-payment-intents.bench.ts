// Benchmark: PaymentIntent create+confirm through the official SDK against the sandbox.
// 16 concurrent clients, `confirm: true`, no webhook endpoints, BENCH_SECONDS (default 30).
// The sandbox runs in its own process (as `npx tributary-sandbox` would), so client and server do not
// share an event loop. Writes bench/results/sandbox-payment-intents.md.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

const child = spawn(
  process.execPath,
  ['--expose-gc', join(root, 'packages/sandbox/src/cli.ts'), '--port', '0'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  let buf = '';
  child.stdout.on('data', (c: Buffer) => {
    buf += c.toString();
    const m = /listening on (http:\/\/[^\s]+)/.exec(buf);
    if (m) resolve(m[1]!);
  });
  child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
});
const port = Number(new URL(url).port);

const latencies: number[] = [];
let errors = 0;
const deadline = performance.now() + seconds * 1000;

async function worker(i: number): Promise<void> {
  const stripe = new Stripe(`sk_test_bench_${i}`, {
    host: '127.0.0.1',
    port,
    protocol: 'http',
    telemetry: false,
  });
  while (performance.now() < deadline) {
    const t0 = performance.now();
    try {
      await stripe.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
      });
      latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  }
}

// Warm-up, then the measured run.
const warm = new Stripe('sk_test_warm', { host: '127.0.0.1', port, protocol: 'http' });
for (let i = 0; i < 200; i++) {
  await warm.paymentIntents.create({
    amount: 2000,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    confirm: true,
  });
}
const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
const elapsed = (performance.now() - start) / 1000;

const stats = (await (await fetch(`${url}/_sandbox/stats`)).json()) as {
  rss: number;
  heap_used: number;
  idempotency_entries: number;
  objects: Record<string, number>;
};
child.kill('SIGTERM');

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
const rps = latencies.length / elapsed;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const report = `# Sandbox: PaymentIntent create+confirm through the SDK

- Date: ${new Date().toISOString()}
- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}
- Workload: \`stripe.paymentIntents.create({ amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true })\`,
  ${concurrency} concurrent SDK clients (stripe@${Stripe.PACKAGE_VERSION}), ${seconds} s, no webhook endpoints,
  sandbox in its own process.

| metric | value |
|---|---|
| PaymentIntents created+confirmed | ${latencies.length} |
| errors | ${errors} |
| throughput | **${rps.toFixed(0)} req/s** (target ≥ 1,000) |
| latency p50 | ${pct(50).toFixed(1)} ms |
| latency p99 | ${pct(99).toFixed(1)} ms |
| sandbox RSS after run (after a full GC) | ${mb(stats.rss)} |
| sandbox heap used after run (after a full GC) | ${mb(stats.heap_used)} |
| idempotency entries (bounded LRU) | ${stats.idempotency_entries} |
| stored payment_intents / charges / events | ${stats.objects.payment_intent ?? 0} / ${stats.objects.charge ?? 0} / ${stats.objects.events ?? 0} |
`;
writeFileSync(join(root, 'bench/results/sandbox-payment-intents.md'), report);
console.log(report);
process.exit(0);
