ALTER TABLE "notifications" ADD COLUMN "suppressed_reason" text;--> statement-breakpoint
-- rows suppressed before the reason was kept: only an empty recipient list can be told apart
UPDATE "notifications" SET "suppressed_reason" = 'no_recipients' WHERE "status" = 'suppressed' AND cardinality("recipients") = 0;
