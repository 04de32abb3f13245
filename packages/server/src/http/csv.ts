import type { FastifyReply, FastifyRequest } from 'fastify';

/** Whether the caller asks for CSV (`Accept: text/csv`). */
export const wantsCsv = (req: FastifyRequest): boolean => /\btext\/csv\b/i.test(req.headers.accept ?? '');

/**
 * One CSV cell: numbers as they are; text quoted when it holds a separator, and defused when a spreadsheet
 * would read it as a formula (CSV injection) — a leading =, +, -, @, tab or CR gets a quote mark, unless the
 * text is a plain number such as "-51.28".
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  const s = String(v);
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Sends `rows` under `header` as a CSV download named `filename` (CRLF lines, UTF-8, not cached). */
export function sendCsv(
  reply: FastifyReply,
  filename: string,
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store');
  const lines = [header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
