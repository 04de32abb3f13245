#!/usr/bin/env node
// Runs src/cli.ts under the pinned Node 24 (type stripping), whatever `node` is first on PATH.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'src', 'cli.ts');
let nodeBin = process.execPath;
if (Number(process.versions.node.split('.')[0]) < 24) {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('node/package.json');
    nodeBin = join(dirname(pkg), 'bin', 'node');
  } catch {
    // fall back to the current node
  }
}
const child = spawn(nodeBin, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
