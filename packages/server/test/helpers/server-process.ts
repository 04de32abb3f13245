import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/db/client.ts';
import { TEST_WEBHOOK_SECRET } from './app.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `tributary serve` in a process of its own (API, worker and its built-in sandbox), on `database`. */
export interface ServeProcess {
  url: string;
  sandboxUrl: string;
  /** throws, with the process's last output, when it has exited */
  assertAlive(): void;
  stop(): Promise<void>;
}

export async function startServeProcess(
  database: Database,
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-serve-'));
  const lines: string[] = [];
  let ended: string | null = null;
  const child: ChildProcess = spawn(`${root}node_modules/.bin/node`, [main, 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      DATABASE_URL: database.ownerConnectionString!,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      SANDBOX_PORT: String(sandboxPort),
      DATA_DIR: dataDir,
      STRIPE_WEBHOOK_SECRETS: TEST_WEBHOOK_SECRET,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = signal ?? String(code);
      resolve();
    }),
  );
  const output = () => lines.slice(-60).join('\n');
  const assertAlive = () => {
    if (ended !== null) throw new Error(`tributary serve exited (${ended}):\n${output()}`);
  };
  // started: it printed its banner after listening
  for (let i = 0; !lines.some((l) => l.includes('Tributary is running')); i++) {
    assertAlive();
    if (i > 1200) throw new Error(`tributary serve did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    assertAlive,
    stop: async () => {
      if (ended === null) {
        child.kill('SIGTERM');
        // the built-in sandbox's own keep-alive webhook connection to the server can hold a graceful
        // close until the server's keepAliveTimeout (72 s): give it a while, then end it
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
