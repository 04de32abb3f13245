// Builds the dashboard when packages/web/dist is missing or older than its sources, so `npm start` and
// `npm test` work straight after `npm install` without rebuilding every time.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = new URL('../packages/web/', import.meta.url).pathname;
const built = join(web, 'dist/index.html');

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

const inputs = ['src', 'index.html', 'vite.config.ts', 'package.json']
  .map((p) => join(web, p))
  .filter(existsSync);
const stale = !existsSync(built) || Math.max(...inputs.map(newest)) > statSync(built).mtimeMs;
if (stale) {
  console.log('Building the dashboard (packages/web)…');
  const res = spawnSync('npm', ['run', 'build', '-w', 'packages/web'], { stdio: 'inherit' });
  process.exit(res.status ?? 1);
}
