// Load from a process of its own: autocannon shares no CPU time with the server under test (on two cores,
// one each). The parent names a module of request makers and the row; the child imports it, runs autocannon
// and writes its result as JSON on stdout.
import { spawn } from 'node:child_process';
import type autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  key: string;
  seconds: number;
  connections: number;
  /** absolute path of a module whose `requestMakers` makes the row's request maker from `data` */
  requests: string;
  row: string;
  data: unknown;
}

export type RequestMaker = (n: number) => { method: 'GET' | 'POST'; path: string; body?: string };
export type RequestMakers = (data: never) => Record<string, RequestMaker>;

export function loadInChild(spec: LoadSpec): Promise<autocannon.Result> {
  const child = spawn(process.execPath, [new URL('./child.ts', import.meta.url).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stdin.end(JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load process exited with ${code}`));
      resolve(JSON.parse(out) as autocannon.Result);
    });
  });
}
