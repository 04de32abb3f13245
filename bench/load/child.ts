// The load process of in-child.ts: reads its LoadSpec on stdin, prints autocannon's result on stdout.
import { text } from 'node:stream/consumers';
import autocannon from 'autocannon';
import type { LoadSpec, RequestMakers } from './in-child.ts';

const spec = JSON.parse(await text(process.stdin)) as LoadSpec;
const makers = ((await import(spec.requests)) as { requestMakers: RequestMakers }).requestMakers(
  spec.data as never,
);
const make = makers[spec.row];
if (!make) throw new Error(`no request maker named ${spec.row}`);
let n = 0;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  headers: { authorization: `Bearer ${spec.key}`, 'content-type': 'application/json' },
  requests: [
    {
      setupRequest: (req) => {
        const next = make(n++);
        return { ...req, method: next.method, path: next.path, body: next.body };
      },
    },
  ],
});
process.stdout.write(JSON.stringify(result));
