// The audit log's front door: other domains write their entries through insertAudit, in the transaction of
// the change it records. (routes.ts serves the log; repo.ts holds its SQL.)
export { type AuditEntry, type AuditRow, insertAudit } from './repo.ts';
