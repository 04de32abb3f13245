-- The worker's claim counts each attempt (stripe_events.attempts, in no index): room left on each page lets
-- that update stay on the row's page without touching the table's six indexes (a HOT update).
ALTER TABLE "stripe_events" SET (fillfactor = 70);
