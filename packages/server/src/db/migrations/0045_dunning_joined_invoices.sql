DROP INDEX "dunning_attempts_key";--> statement-breakpoint
ALTER TABLE "dunning_attempts" ADD COLUMN "stripe_invoice_id" text;--> statement-breakpoint
-- every attempt made so far paid its case's first invoice (the owner, outside any tenant, sees the rows only
-- with the policies lifted for this one statement; the migration's transaction puts them back)
ALTER TABLE "dunning_attempts" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "dunning_cases" NO FORCE ROW LEVEL SECURITY;--> statement-breakpoint
UPDATE "dunning_attempts" a SET "stripe_invoice_id" = c."stripe_invoice_id" FROM "dunning_cases" c WHERE c."id" = a."case_id";--> statement-breakpoint
ALTER TABLE "dunning_attempts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "dunning_cases" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "dunning_attempts" ALTER COLUMN "stripe_invoice_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "dunning_cases" ADD COLUMN "joined_invoices" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "dunning_cases" ADD COLUMN "settled_invoices" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "dunning_cases" ADD COLUMN "run_lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "dunning_cases" ADD COLUMN "rerun_requested" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_attempts_key" ON "dunning_attempts" USING btree ("case_id","stripe_invoice_id","number","payment_method","retry");