// Every Stripe SDK method the server calls, found in its source: `<client>.<resource>[.<sub>].<method>(` where
// the path names a method of a real `Stripe` client (so `d.refunds.map(` is not one), with the functions that
// make each call (a raw `rawRequest(` included). Comments are left out.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Stripe from 'stripe';

const SERVER_SRC = resolve(import.meta.dirname, '../../server/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const withoutComments = (src: string) =>
  src.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const CALL = /\b[A-Za-z_$][\w$]*((?:\s*\.\s*[A-Za-z]+){1,3})\s*\(/g;
const FUNCTION = /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)/g;

/** Whether `path` (`checkout.sessions.create`) is a method of the SDK client. */
function isSdkMethod(sdk: Stripe, path: string): boolean {
  let at: unknown = sdk;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(part in at)) return false;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'function' && (path.includes('.') || path === 'rawRequest');
}

/** SDK method (`customers.create`) → the server functions calling it (`payments/customers/service.ts createCustomer`). */
export function serverStripeCalls(): Map<string, Set<string>> {
  const sdk = new Stripe('sk_test_scan');
  const calls = new Map<string, Set<string>>();
  for (const file of sources(SERVER_SRC)) {
    const src = withoutComments(readFileSync(file, 'utf8'));
    const functions = [...src.matchAll(FUNCTION)].map((m) => ({ at: m.index, name: m[1]! }));
    for (const m of src.matchAll(CALL)) {
      const path = m[1]!.replace(/\s|^\./g, '');
      if (!isSdkMethod(sdk, path)) continue;
      const fn = functions.filter((f) => f.at < m.index).at(-1)?.name ?? '(module)';
      const users = calls.get(path) ?? new Set<string>();
      users.add(`${relative(SERVER_SRC, file)} ${fn}`);
      calls.set(path, users);
    }
  }
  return calls;
}
