// The bare baseline for webhook ingest: node:http + HMAC verification of Stripe-Signature + ONE transaction
// per request inserting the event row (stripe_events, ON CONFLICT DO NOTHING) and its pg-boss job row
// (pgboss.job) with the `pg` pool, then 200. Same tables as Tributary's migrated database, nothing else.
// Env: DATABASE_URL (a migrated database), PORT (0 = any), POOL_SIZE, WEBHOOK_SECRET. Prints its URL.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const secret = process.env.WEBHOOK_SECRET ?? '';
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 20),
});

function verify(raw: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  let t = '';
  const sigs: Buffer[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.split('=');
    if (k === 't') t = v ?? '';
    else if (k === 'v1' && v) sigs.push(Buffer.from(v, 'hex'));
  }
  if (!t || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
  return sigs.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
}

async function store(e: Record<string, unknown>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const res = await client.query(
      `insert into stripe_events (id, type, account, source, kind, livemode, created, api_version, payload)
       values ($1, $2, $3, 'platform', 'snapshot', $4, to_timestamp($5), $6, $7)
       on conflict (id) do nothing returning id`,
      [e.id, e.type, e.account ?? null, e.livemode === true, e.created, e.api_version ?? null, e],
    );
    if (res.rowCount) {
      await client.query(
        `insert into pgboss.job (name, data, retry_limit, retry_delay, retry_backoff, expire_seconds)
         values ('stripe-event', $1, 8, 300, true, 300)`,
        [{ eventId: e.id }],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    if (req.method !== 'POST' || !verify(raw, req.headers['stripe-signature'] as string | undefined)) {
      res.writeHead(400).end('{"error":"signature"}');
      return;
    }
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      res.writeHead(400).end('{"error":"json"}');
      return;
    }
    store(event).then(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'),
      () => res.writeHead(503).end('{"error":"storage"}'),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') console.log(`LISTENING http://127.0.0.1:${addr.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  pool.end().finally(() => process.exit(0));
});
