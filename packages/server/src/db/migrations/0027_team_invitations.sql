ALTER TABLE "dashboard_links" ADD COLUMN "invitation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dashboard_links" ADD COLUMN "email" text;