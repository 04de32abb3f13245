ALTER TABLE "usage_alerts" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();--> statement-breakpoint
ALTER TABLE "outbound_events" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();