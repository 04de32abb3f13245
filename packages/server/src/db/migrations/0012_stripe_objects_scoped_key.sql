-- Stripe ids are unique per account, not globally (a capability is `card_payments` on every account), so the
-- mirror is keyed on tenant + account + object + id instead of the bare id.
ALTER TABLE "stripe_objects" DROP CONSTRAINT "stripe_objects_pkey";--> statement-breakpoint
ALTER TABLE "stripe_objects" ADD COLUMN "row_id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "stripe_objects" ADD COLUMN "tenant_key" text GENERATED ALWAYS AS (coalesce(tenant_id::text, '')) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "stripe_objects" ADD COLUMN "account_key" text GENERATED ALWAYS AS (coalesce(account, '')) STORED NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "stripe_objects_key" ON "stripe_objects" USING btree ("tenant_key","account_key","object","id");
