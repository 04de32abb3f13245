// The installed commands work as a newcomer runs them: `npx tributary --help` and `npx tributary-sandbox --help`,
// with the machine's own `node` first on PATH (older than 24 on many machines; the launcher then runs the pinned one).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const bin = (name: string) => fileURLToPath(new URL(`../../../node_modules/.bin/${name}`, import.meta.url));
const machinePath = `/usr/local/bin:/usr/bin:/bin:${process.env.PATH ?? ''}`;

async function help(name: string) {
  return promisify(execFile)(bin(name), ['--help'], { env: { ...process.env, PATH: machinePath } });
}

describe('installed commands', () => {
  it('tributary --help prints the commands', async () => {
    const { stdout } = await help('tributary');
    expect(stdout).toContain('Commands:');
    expect(stdout).toContain('serve');
    expect(stdout).toContain('--no-worker');
  });

  it('tributary-sandbox --help prints its options', async () => {
    const { stdout } = await help('tributary-sandbox');
    expect(stdout).toContain('--port');
  });
});
