import type Stripe from 'stripe';
import { type GatewayPolicy, type StripeCall, StripeGateway } from './gateway.ts';

export type { Stripe };

// The gateway's GET-only mode (issue 23, support queries): what support/ is handed. Its SDK client's HTTP
// client refuses every method but GET before a byte leaves the process, so no code holding it — whatever
// SDK method it calls — can create, change or delete anything at Stripe.

/** A non-GET request a GET-only client refused: a programming error, never sent. */
export class StripeWriteRefused extends Error {
  override name = 'StripeWriteRefused';
  readonly method: string;
  readonly path: string;

  constructor(method: string, path: string) {
    super(`The GET-only Stripe client refused ${method} ${path.split('?')[0]}: support queries only read`);
    this.method = method;
    this.path = path;
  }
}

/**
 * Wraps an SDK HTTP client so that only GET requests go through; any other method is rejected with
 * `StripeWriteRefused` without being sent.
 */
export function getOnlyHttpClient(inner: Stripe.HttpClient): Stripe.HttpClient {
  return {
    getClientName: () => `${inner.getClientName()}+get-only`,
    makeRequest(host, port, path, method, headers, requestData, protocol, timeout) {
      if (method.toUpperCase() !== 'GET') return Promise.reject(new StripeWriteRefused(method, path));
      return inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
    },
  };
}

/** The refusal behind an error: the SDK wraps what its HTTP client rejects with as a connection error. */
function refusalIn(err: unknown, depth = 0): StripeWriteRefused | null {
  if (err instanceof StripeWriteRefused) return err;
  if (depth > 4 || typeof err !== 'object' || err === null) return null;
  const { detail, cause } = err as { detail?: unknown; cause?: unknown };
  return refusalIn(detail, depth + 1) ?? refusalIn(cause, depth + 1);
}

/**
 * A gateway whose client only issues GET requests (`StripeRef.readOnly()` makes one). Calls run under the
 * process's policy like any other; a refused write surfaces as `StripeWriteRefused`.
 */
export class ReadOnlyStripe extends StripeGateway {
  private readonly source: () => Stripe;

  constructor(source: () => Stripe, policy?: GatewayPolicy) {
    super(policy);
    this.source = source;
  }

  protected client(): Stripe {
    return this.source();
  }

  override async call<T>(
    spec: StripeCall,
    send: (stripe: Stripe, opts: Stripe.RequestOptions) => Promise<T>,
  ): Promise<T> {
    try {
      return await super.call(spec, send);
    } catch (err) {
      throw refusalIn(err) ?? err;
    }
  }
}
