// `npm run bench`: runs every bench/*.bench.ts in turn (each writes its report to bench/results/<name>.md),
// then writes bench/results/README.md listing the reports of this run. Only loopback is ever targeted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();
if (benches.length === 0) {
  console.error(only ? `no benchmark matches '${only}'` : 'no benchmarks in bench/');
  process.exit(1);
}
mkdirSync(`${dir}/results`, { recursive: true });
const rows: string[] = [];
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const res = spawnSync(process.execPath, [`${dir}/${file}`], { stdio: 'inherit', env: process.env });
  const ok = res.status === 0;
  if (!ok) failed++;
  const report = file.replace('.bench.ts', '.md');
  rows.push(
    `| ${file} | ${ok ? 'ok' : `failed (${res.status})`} | ${new Date().toISOString()} (${Math.round((Date.now() - started) / 1000)} s) | [${report}](${report}) |`,
  );
}
// a partial run (`npm run bench -- name`) keeps the other benchmarks' rows from the last full run
const index = `${dir}/results/README.md`;
const previous = existsSync(index)
  ? readFileSync(index, 'utf8')
      .split('\n')
      .filter(
        (line) => /^\| [\w-]+\.bench\.ts \|/.test(line) && !benches.some((b) => line.startsWith(`| ${b} |`)),
      )
  : [];
rows.push(...previous);
rows.sort();
writeFileSync(
  index,
  `# Benchmark results\n\nLast run: ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}.\n\n| benchmark | status | finished (took) | report |\n|---|---|---|---|\n${rows.join('\n')}\n`,
);
process.exit(failed ? 1 : 0);
