import type Stripe from 'stripe';
import type { Config } from '../config.ts';
import { stripeBudgetLeft } from './budget.ts';
import { type GatewayPolicy, StripeGateway } from './gateway.ts';
import { getOnlyHttpClient, ReadOnlyStripe } from './read-only.ts';
import {
  backgroundLimits,
  createStripeClient,
  requestLimits,
  SANDBOX_SECRET_KEY,
  type StripeTarget,
  transportFor,
} from './target.ts';

export type { Stripe };

/**
 * The process's gateway to Stripe (gateway.ts) and its accepted webhook secrets. The target is known only
 * after the server listens (the in-process sandbox delivers to it), so routes and jobs call through this
 * reference; until `use()` it points where the config says (STRIPE_API_BASE, else the sandbox's port).
 */
export class StripeRef extends StripeGateway {
  private forRequests: Stripe | null = null;
  private forBackground: Stripe | null = null;
  private getOnlyForRequests: Stripe | null = null;
  private getOnlyForBackground: Stripe | null = null;
  private readonly readPolicy: GatewayPolicy | undefined;
  private target: RefTarget;

  constructor(
    config: Config,
    override?: { apiBase?: string; webhookSecrets?: string[]; policy?: GatewayPolicy },
  ) {
    super(override?.policy);
    this.readPolicy = override?.policy;
    this.target = {
      secretKey: config.STRIPE_SECRET_KEY ?? SANDBOX_SECRET_KEY,
      apiBase:
        override?.apiBase ??
        config.STRIPE_API_BASE ??
        (config.STRIPE_SECRET_KEY ? 'https://api.stripe.com' : `http://127.0.0.1:${config.SANDBOX_PORT}`),
      webhookSecrets: override?.webhookSecrets ?? config.webhookSecrets,
    };
    this.connectConfig = config;
  }

  private readonly connectConfig: Config;

  use(target: RefTarget): void {
    this.target = target;
    this.forRequests = null;
    this.forBackground = null;
    this.getOnlyForRequests = null;
    this.getOnlyForBackground = null;
  }

  protected client(): Stripe {
    return this.stripe;
  }

  /**
   * The SDK client for the current context: within an API request, its tries are STRIPE_MAX_NETWORK_RETRIES
   * and they share the request's budget; elsewhere (jobs, CLI) STRIPE_WORKER_MAX_NETWORK_RETRIES. Calls go
   * through `call` (the gateway); the client itself is for stripe/ and for tests of its limits.
   */
  get stripe(): Stripe {
    if (stripeBudgetLeft() !== null) {
      this.forRequests ??= createStripeClient(this.target, requestLimits(this.connectConfig));
      return this.forRequests;
    }
    this.forBackground ??= createStripeClient(this.target, backgroundLimits(this.connectConfig));
    return this.forBackground;
  }

  /**
   * The gateway's GET-only mode (read-only.ts): the same target, limits and policy, with a client whose every
   * non-GET request is refused before it is sent. Support queries get this one, never the full gateway.
   */
  readOnly(): ReadOnlyStripe {
    return new ReadOnlyStripe(() => this.getOnlyStripe(), this.readPolicy);
  }

  private getOnlyStripe(): Stripe {
    const getOnly = () => getOnlyHttpClient(transportFor(this.target));
    if (stripeBudgetLeft() !== null) {
      this.getOnlyForRequests ??= createStripeClient(
        this.target,
        requestLimits(this.connectConfig),
        getOnly(),
      );
      return this.getOnlyForRequests;
    }
    this.getOnlyForBackground ??= createStripeClient(
      this.target,
      backgroundLimits(this.connectConfig),
      getOnly(),
    );
    return this.getOnlyForBackground;
  }

  /**
   * Where a Standard-like account's holder sees their account: Stripe's dashboard (they sign in with their own
   * credentials), or in sandbox mode (no STRIPE_SECRET_KEY) the sandbox's read-only page for the account.
   */
  accountDashboardUrl(account: string): string {
    if (this.connectConfig.STRIPE_SECRET_KEY) return 'https://dashboard.stripe.com/';
    return `${this.target.apiBase.replace(/\/$/, '')}/dashboard/${encodeURIComponent(account)}`;
  }

  /**
   * Where Connect OAuth goes: the authorize page's base URL and the platform's client id. In
   * sandbox mode both come from the sandbox (its URL, its `ca_…`) unless the config names them.
   */
  connect(): { base: string; clientId: string | null } {
    const c = this.connectConfig;
    return {
      base:
        c.STRIPE_CONNECT_BASE ??
        this.target.connectBase ??
        (c.STRIPE_SECRET_KEY ? 'https://connect.stripe.com' : this.target.apiBase),
      clientId: c.STRIPE_CONNECT_CLIENT_ID ?? this.target.sandbox?.connectClientId ?? null,
    };
  }

  /** Every secret an inbound delivery may be signed with (rotation, snapshot and thin endpoints). */
  webhookSecrets(): readonly string[] {
    return this.target.webhookSecrets;
  }
}

type RefTarget = Pick<StripeTarget, 'secretKey' | 'apiBase' | 'webhookSecrets'> &
  Partial<Pick<StripeTarget, 'connectBase' | 'sandbox'>>;

/** Whether events must say `livemode: true`: only with a live key. The sandbox and test keys are test mode. */
export function expectsLivemode(config: Config): boolean {
  return Boolean(config.STRIPE_SECRET_KEY?.includes('_live_'));
}
