CREATE TABLE "notification_bounced_addresses" (
	"tenant_id" uuid NOT NULL,
	"address" text NOT NULL,
	"kind" text NOT NULL,
	"notification_id" uuid NOT NULL,
	"error" text NOT NULL,
	"bounced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_bounced_addresses_tenant_id_address_kind_pk" PRIMARY KEY("tenant_id","address","kind")
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "suppressed_reason" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "resend_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "resent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "preferred_locale" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "email_locale" text;--> statement-breakpoint
ALTER TABLE "notification_bounced_addresses" ADD CONSTRAINT "notification_bounced_addresses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The old flag's addresses, one row each; their kind follows the template that bounced (owner alerts and the
-- billing contact's verification are the tenant's own addresses, anything else a customer's).
INSERT INTO "notification_bounced_addresses" ("tenant_id", "address", "kind", "notification_id", "error", "bounced_at")
SELECT b."tenant_id", lower(r.address),
  CASE WHEN n."template" IN ('dispute_opened', 'dispute_closed', 'refund_failed', 'payout_failed',
    'account_needs_information', 'account_disabled', 'account_deauthorized', 'invoice_paid',
    'billing_contact_verification') OR n."template" IS NULL THEN 'owner' ELSE 'customer' END,
  b."notification_id", b."error", b."bounced_at"
FROM "notification_bounces" b
CROSS JOIN LATERAL unnest(b."recipients") AS r(address)
LEFT JOIN "notifications" n ON n."id" = b."notification_id"
ON CONFLICT DO NOTHING;--> statement-breakpoint
ALTER TABLE "notification_bounces" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "notification_bounces" CASCADE;--> statement-breakpoint
CREATE INDEX "notifications_verification_idx" ON "notifications" USING btree ("created_at") WHERE "notifications"."template" = 'billing_contact_verification';--> statement-breakpoint
-- rows suppressed before the reason was kept: only an empty recipient list can be told apart
UPDATE "notifications" SET "suppressed_reason" = 'no_recipients' WHERE "status" = 'suppressed' AND cardinality("recipients") = 0;
