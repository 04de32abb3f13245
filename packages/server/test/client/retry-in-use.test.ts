import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTributaryClient } from '@tributary/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// After a dropped connection the client's retry (same key) may reach the API while the first attempt is
// still running: the API answers 409 idempotency_key_in_use ("retry shortly", http/idempotency.ts). The
// client waits and asks again with the same key, rather than leaving the caller unsure whether the object
// exists (a hand-made retry would carry a new key: a second object). A server on loopback plays the API's
// documented answers.

describe('review: client retries', () => {
  let server: Server;
  let base: string;
  const keys: string[] = [];
  let calls = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      calls++;
      keys.push(String(req.headers['idempotency-key']));
      req.resume();
      req.on('end', () => {
        if (calls === 1) {
          // the first attempt's connection drops before any answer (the API goes on with it)
          req.socket.destroy();
          return;
        }
        if (calls === 2) {
          res.writeHead(409, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              error: {
                type: 'invalid_request_error',
                code: 'idempotency_key_in_use',
                message: 'A request with this Idempotency-Key is still being processed; retry shortly.',
                param: null,
                request_id: 'req_review',
              },
            }),
          );
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json', 'idempotent-replayed': 'true' })
          .end(JSON.stringify({ object: 'tenant', id: 'ten_00000000000000000000000000000001', name: 'x' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a POST whose retry meets idempotency_key_in_use waits and retries with the same key', async () => {
    const client = createTributaryClient({
      baseUrl: base,
      apiKey: 'trb_sk_review',
      retries: 3,
      retryDelayMs: 10,
    });
    const created = await client.post('/v1/tenants', { body: { name: 'x' } } as never);
    expect(created).toMatchObject({ object: 'tenant' });
    expect(new Set(keys).size).toBe(1);
  });
});
