import { createServer } from 'node:net';

const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/**
 * A port for a server whose URL must be known before it listens (PUBLIC_URL): free now, and below the
 * kernel's ephemeral range (32768 and up on Linux), which outgoing connections — database clients, HTTP
 * clients of the other test files — take from, so none of them can hold it by the time the server binds.
 */
export async function portBeforeListen(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await free(port)) return port;
  }
}
