// Runs a TypeScript entry point under Node 24 (which strips types), whatever `node` is first on PATH: the
// `node` package installed beside Tributary when the caller's own Node is older.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const MIN_MAJOR = 24;

function pinnedNode(from) {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return process.execPath;
  try {
    const pkg = createRequire(from).resolve('node/package.json');
    return join(dirname(pkg), 'bin', 'node');
  } catch {
    console.error(
      `Node ${process.versions.node} cannot run Tributary (it needs ${MIN_MAJOR}+), and the pinned Node was not found: run npm install.`,
    );
    process.exit(1);
  }
}

/** Runs `entry` (a path) with the command line's arguments and exits with its status. */
export function launch(entry, from) {
  const child = spawn(pinnedNode(from), [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}
