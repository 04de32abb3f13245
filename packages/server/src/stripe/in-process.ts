import { Readable } from 'node:stream';
import Stripe from 'stripe';
import type { InProcessCall, InProcessResponse } from 'tributary-sandbox';

/**
 * The SDK's HTTP client for the sandbox running in this process (`tributary serve`'s embedded default): each
 * call is answered by the sandbox's own request pipeline without a socket, so neither side pays for HTTP
 * (a refetch over loopback HTTP cost ~290 µs of CPU, ~40 % of it in the two HTTP stacks). Whatever the
 * sandbox cannot answer that way — a multipart upload, or any call while a fault or an outage is set, whose
 * effects are on the connection — goes over HTTP as before, through `http`.
 */
export function inProcessHttpClient(call: InProcessCall, http: Stripe.HttpClient): Stripe.HttpClient {
  return {
    getClientName: () => `${http.getClientName()}+in-process`,
    async makeRequest(host, port, path, method, headers, requestData, protocol, timeout) {
      // each call starts from the event loop, as a socket's answer would: a batch's hundreds of refetches
      // would otherwise run back to back in microtasks while the HTTP server's requests wait
      await new Promise((resolve) => setImmediate(resolve));
      const answered = call({
        method,
        url: path,
        headers: lowerCased(headers),
        body: requestData ?? '',
      });
      if (!answered)
        return http.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(Stripe.HttpClient.makeTimeoutError()), timeout);
        answered.then(
          (res) => {
            clearTimeout(timer);
            resolve(new InProcessHttpResponse(res));
          },
          (err: unknown) => {
            clearTimeout(timer);
            reject(err);
          },
        );
      });
    },
  };
}

function lowerCased(headers: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) out[name.toLowerCase()] = String(value);
  }
  return out;
}

class InProcessHttpResponse extends Stripe.HttpClientResponse {
  private readonly body: string;

  constructor(res: InProcessResponse) {
    super(res.status, res.headers);
    this.body = res.body;
  }

  /** What `lastResponse` shows (for HTTP, the IncomingMessage): the SDK adds its status and request id. */
  override getRawResponse(): unknown {
    return { headers: this.getHeaders() };
  }

  override toStream(streamCompleteCallback: () => void): Readable {
    const stream = Readable.from([Buffer.from(this.body)]);
    stream.once('end', streamCompleteCallback);
    return stream;
  }

  override toJSON(): Promise<unknown> {
    return new Promise((resolve) => resolve(this._parseResponseBody(this.body)));
  }
}
