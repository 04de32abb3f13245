// Webhook endpoints, v2 event destinations and uploaded files, as stored.
import type { ListOf, Metadata } from './common.ts';

export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  api_version: string | null;
  application: null;
  connect: boolean;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: boolean;
  metadata: Metadata;
  status: string;
  url: string;
}

export interface EventDestination {
  id: string;
  object: 'v2.core.event_destination';
  amazon_eventbridge: null;
  created: string;
  description: string;
  enabled_events: string[];
  event_payload: string;
  events_from: unknown[];
  livemode: boolean;
  /** The request's JSON `metadata`, as sent. */
  metadata: Record<string, unknown>;
  name: string;
  snapshot_api_version: null;
  status: string;
  status_details: null;
  type: string;
  updated: string;
  webhook_endpoint: { signing_secret: null; url: string };
}

export interface StripeFile {
  id: string;
  object: 'file';
  created: number;
  expires_at: number;
  filename: string;
  links: ListOf<never>;
  purpose: string;
  size: number;
  title: null;
  type: string | null;
  url: string;
}
