import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { TributaryError } from './errors.ts';
import { retryingFetch } from './retry.ts';
import type { components, operations, paths } from './schema.d.ts';

export { type ApiErrorBody, TributaryError } from './errors.ts';
export { type TributaryEvent, verifyWebhook, WebhookSignatureError } from './webhooks.ts';
export type { components, operations, paths };

/** The API's objects by their component name: `Schemas['Invoice']`, `Schemas['Tenant']`, … */
export type Schemas = components['schemas'];

export interface TributaryClientOptions {
  /** where Tributary serves its API, e.g. `https://billing.example.com` (no `/v1`) */
  baseUrl: string;
  /** a platform or tenant secret key (`trb_sk_…`) or a restricted key */
  apiKey: string;
  /** the fetch to use (default: globalThis.fetch) */
  fetch?: (request: Request) => Promise<Response>;
  /** retries of a failed attempt (network error, 5xx, 429); default 2, 0 turns retrying off */
  retries?: number;
  /** the first retry's delay in ms, doubled each time (default 300) */
  retryDelayMs?: number;
}

// The second parameter of a call: optional when the operation requires nothing (as openapi-fetch's own).
type InitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & { [key: string]: unknown })?]
    : [Init & { [key: string]: unknown }];

/** The success body of an operation. */
type Ok<Op, Init> =
  Op extends Record<string | number, unknown>
    ? NonNullable<FetchResponse<Op, Init, `${string}/json`>['data']>
    : never;

type DataMethod<M extends HttpMethod> = <
  Path extends PathsWithMethod<paths, M>,
  Init extends MaybeOptionalInit<paths[Path], M>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<Ok<paths[Path][M], Init>>;

/** The item type of a list operation (`{ object: 'list', data: Item[], has_more }`), else never. */
export type ListItem<Path extends PathsWithMethod<paths, 'get'>> =
  Ok<paths[Path]['get'], unknown> extends { data: (infer Item)[]; has_more: boolean } ? Item : never;

export interface TributaryClient {
  /** GET: the answer's body; any non-2xx answer throws a TributaryError */
  get: DataMethod<'get'>;
  /** POST: the answer's body, sent with an Idempotency-Key (the same on retries) unless you give one */
  post: DataMethod<'post'>;
  /** DELETE: as post */
  delete: DataMethod<'delete'>;
  /**
   * Every item of a list, page after page (`starting_after` the last item's id), as an async iterator:
   * `for await (const invoice of client.paginate('/v1/tenants/{id}/invoices', { params: … }))`. `limit` in
   * the query sets the page size (default 100).
   */
  paginate<Path extends PathsWithMethod<paths, 'get'>, Init extends MaybeOptionalInit<paths[Path], 'get'>>(
    url: Path,
    ...init: InitParam<Init>
  ): AsyncGenerator<ListItem<Path>, void, undefined>;
  /** the underlying openapi-fetch client (`{ data, error, response }` answers), with the same retries; errors throw */
  raw: Client<paths, `${string}/json`>;
}

/** Turns every non-2xx answer into a thrown TributaryError carrying the API's code. */
const throwOnError: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await TributaryError.fromResponse(response);
    return undefined;
  },
};

export function createTributaryClient(options: TributaryClientOptions): TributaryClient {
  const fetchImpl = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createClient<paths, `${string}/json`>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: retryingFetch(fetchImpl, { retries: options.retries ?? 2, baseDelayMs: options.retryDelayMs }),
  });
  raw.use(throwOnError);

  // openapi-fetch's methods are typed per path; the wrappers only take `data` out of the answer
  const call =
    (method: 'GET' | 'POST' | 'DELETE') =>
    async (url: string, init?: Record<string, unknown>): Promise<unknown> => {
      const send = raw[method] as (
        url: string,
        init?: Record<string, unknown>,
      ) => Promise<{ data?: unknown }>;
      return (await send(url, init)).data;
    };
  const get = call('GET');

  async function* paginate(url: string, init: { params?: { query?: Record<string, unknown> } } = {}) {
    let startingAfter: string | undefined;
    for (;;) {
      const query = {
        limit: 100,
        ...init.params?.query,
        ...(startingAfter ? { starting_after: startingAfter } : {}),
      };
      const page = (await get(url, { ...init, params: { ...init.params, query } })) as {
        data: { id?: string }[];
        has_more: boolean;
      };
      yield* page.data;
      const last = page.data.at(-1);
      if (!page.has_more || !last) return;
      if (typeof last.id !== 'string') throw new Error(`paginate: the items of ${url} have no id to page by`);
      startingAfter = last.id;
    }
  }

  return {
    get: get as DataMethod<'get'>,
    post: call('POST') as DataMethod<'post'>,
    delete: call('DELETE') as DataMethod<'delete'>,
    paginate: paginate as TributaryClient['paginate'],
    raw,
  };
}
