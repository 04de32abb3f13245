// `tributary-sandbox [--port 12111] [--host 127.0.0.1] [--state-file path]`
import { parseArgs } from 'node:util';
import { startSandbox } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '12111' },
    host: { type: 'string', default: '127.0.0.1' },
    'state-file': { type: 'string' },
    'public-url': { type: 'string' },
  },
});

const sandbox = await startSandbox({
  port: Number(values.port),
  host: values.host,
  stateFile: values['state-file'],
  publicUrl: values['public-url'],
});
console.log(`Tributary Stripe sandbox listening on ${sandbox.url}`);
console.log(`  platform account ${sandbox.platformAccountId}, Connect client id ${sandbox.connectClientId}`);
console.log(
  `  use any sk_test_ key: new Stripe('sk_test_x', { host: '${values.host}', port: ${sandbox.port}, protocol: 'http' })`,
);

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
