ALTER TABLE "payments" ADD COLUMN "fee_top_up" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "fee_top_up_reversal" text;