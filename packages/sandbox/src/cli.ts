// `tributary-sandbox [--port 12111] [--host 127.0.0.1] [--state-file path]`
import { parseArgs } from 'node:util';
import { startSandbox } from './index.ts';

const usage = `tributary-sandbox [options]: a stateful emulator of the Stripe API

Options:
  --port <n>            port to listen on (default 12111; 0 picks a free one)
  --host <address>      address to listen on (default 127.0.0.1)
  --state-file <path>   keep the sandbox's state in this file across restarts
  --public-url <url>    the URL hosted pages and links are given under (default: the listening address)
  --help                this text`;

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    port: { type: 'string', default: '12111' },
    host: { type: 'string', default: '127.0.0.1' },
    'state-file': { type: 'string' },
    'public-url': { type: 'string' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

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
