// Request bodies: form-encoded with bracket notation (qs handles `a[b]`, `a[0]`, `a[]` and `%5B`),
// JSON for /v2, multipart for file uploads.
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import qs from 'qs';
import { invalidRequest } from './errors.ts';
import type { Params } from './schema.ts';

export const QS_OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000 };

/** The largest request body the API takes (413 above it). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(invalidRequest('Request body too large.', undefined, undefined, 413));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseForm(text: string): Params {
  if (!text) return {};
  return qs.parse(text, QS_OPTIONS);
}

export function parseJson(text: string): Params {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? { ...v } : {};
  } catch {
    throw invalidRequest('Invalid JSON body.');
  }
}

export interface UploadedFile {
  filename: string;
  mime: string;
  data: Buffer;
}

export function parseMultipart(
  req: IncomingMessage,
): Promise<{ fields: Params; files: Map<string, UploadedFile> }> {
  return new Promise((resolve, reject) => {
    const bb = busboy({ headers: req.headers, limits: { fileSize: 32 * 1024 * 1024 } });
    const pairs: string[] = [];
    const files = new Map<string, UploadedFile>();
    bb.on('field', (name, value) => {
      pairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        files.set(name, {
          filename: info.filename ?? 'upload',
          mime: info.mimeType,
          data: Buffer.concat(chunks),
        });
      });
    });
    bb.on('close', () => resolve({ fields: parseForm(pairs.join('&')), files }));
    bb.on('error', reject);
    req.pipe(bb);
  });
}
