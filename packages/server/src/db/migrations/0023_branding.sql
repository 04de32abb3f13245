ALTER TABLE "notifications" ADD COLUMN "from_header" text;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "reply_to" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "brand_name" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "brand_logo_url" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "brand_accent_color" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "reply_to" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "billing_contact_email" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "billing_contact_verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "billing_contact_token_hash" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "billing_contact_token_expires_at" timestamp with time zone;