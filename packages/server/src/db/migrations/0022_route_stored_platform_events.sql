ALTER TABLE "stripe_events" ADD COLUMN "routing_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "stripe_events_routing_pending_idx" ON "stripe_events" USING btree ("received_at") WHERE "stripe_events"."routing_pending";--> statement-breakpoint
-- Platform events stored before they were routed to their tenant (Express-like tenants' payments, invoices
-- and disputes): the maintenance job routes them by their objects' Stripe ids and clears the flag.
UPDATE "stripe_events" SET "routing_pending" = true WHERE "tenant_id" IS NULL AND "account" IS NULL;
