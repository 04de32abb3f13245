// Endpoints only the platform billing its tenants calls (its plans' meters), as the API reference calls them.
import type { Row } from './endpoint-row.ts';

export const PLATFORM_BILLING_ROWS: Row[] = [
  {
    sdk: 'billing.meters.create',
    method: 'POST',
    path: '/v1/billing/meters',
    usedBy: ['billing/plans/stripe.ts ensureMeters'],
    resource: 'billing.meter',
    echoes: { event_name: 'ai_search_api', default_aggregation: { formula: 'sum' }, status: 'active' },
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
];
