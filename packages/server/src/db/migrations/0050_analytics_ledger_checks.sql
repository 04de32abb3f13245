CREATE TABLE "analytics_ledger_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"checked_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ledgers" integer NOT NULL,
	"periods" integer NOT NULL,
	"violations" jsonb DEFAULT '[]'::jsonb NOT NULL
);
