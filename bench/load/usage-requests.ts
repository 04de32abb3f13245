// The requests of the entitlements and usage benchmark, made in its load process (load/in-child.ts).
import type { RequestMaker } from './in-child.ts';

export const BATCH = 1000;
export const TENANTS_PER_BATCH = 10;

export function requestMakers({ publicIds }: { publicIds: string[] }): Record<string, RequestMaker> {
  const tenantAt = (n: number) => publicIds[n % publicIds.length]!;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  // a run's ids differ from every other run's: a repeated id would be a duplicate, not a new event
  const run = `${process.pid}-${Date.now()}`;
  return {
    tenant: (n) => ({ method: 'GET', path: `/v1/tenants/${tenantAt(n)}` }),
    entitlements: (n) => ({ method: 'GET', path: `/v1/tenants/${tenantAt(n)}/entitlements` }),
    ownEntitlements: () => ({ method: 'GET', path: `/v1/tenants/${publicIds[0]}/entitlements` }),
    check: (n) => ({
      method: 'POST',
      path: `/v1/tenants/${tenantAt(n)}/entitlements/check`,
      body: JSON.stringify({ metric: 'api_calls', quantity: 1 }),
    }),
    single: (n) => ({
      method: 'POST',
      path: `/v1/tenants/${tenantAt(n)}/usage_events`,
      body: JSON.stringify({
        metric: 'api_calls',
        quantity: 1,
        timestamp: nowSeconds(),
        id: `single-${run}-${n}`,
      }),
    }),
    batch: (n) => ({
      method: 'POST',
      path: '/v1/usage_events/batch',
      body: JSON.stringify({
        events: Array.from({ length: BATCH }, (_, i) => ({
          tenant: tenantAt(n * TENANTS_PER_BATCH + (i % TENANTS_PER_BATCH)),
          metric: i % 2 ? 'api_calls' : 'exports',
          quantity: 1,
          timestamp: nowSeconds(),
          id: `batch-${run}-${n}-${i}`,
        })),
      }),
    }),
  };
}
