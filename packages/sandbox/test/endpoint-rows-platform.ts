// Platform billing of tenants (plans, meters, usage) on the platform account: the endpoints the server calls
// that no other part called before, as the API reference examples call them. A row whose `usedBy` is empty
// is planned: the server may not call it yet; once it does, the coverage test asks for its callers.
import type { Row } from './endpoint-row.ts';

export const PLATFORM_ROWS: Row[] = [
  {
    sdk: 'prices.update',
    method: 'POST',
    path: '/v1/prices/:id',
    usedBy: [],
    resource: 'price',
    echoes: { active: false },
    doc: 'api/prices/update',
    // archiving a price: its subscribers keep it, new subscriptions cannot use it
    call: (s, m) => s.prices.update(m.oneTimePrice.id, { active: false }),
  },
  {
    sdk: 'billing.meters.create',
    method: 'POST',
    path: '/v1/billing/meters',
    usedBy: ['billing/plans/stripe.ts ensureMeters'],
    resource: 'billing.meter',
    echoes: {
      display_name: 'Search API Calls',
      event_name: 'ai_search_api',
      default_aggregation: { formula: 'sum' },
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: 'value' },
      status: 'active',
    },
    doc: 'api/billing/meter/create',
    call: (s) =>
      s.billing.meters.create({
        display_name: 'Search API Calls',
        event_name: 'ai_search_api',
        default_aggregation: { formula: 'sum' },
        customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
        value_settings: { event_payload_key: 'value' },
      }),
  },
  {
    sdk: 'billing.meters.list',
    method: 'GET',
    path: '/v1/billing/meters',
    usedBy: [],
    resource: 'billing.meter',
    list: true,
    doc: 'api/billing/meter/list',
    call: (s) => s.billing.meters.list({ limit: 3 }),
  },
];
