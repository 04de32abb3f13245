// Files: multipart upload (`purpose`, `file`), retrieve, list, contents — for dispute evidence.

import type { StripeFile } from '../objects/platform.ts';
import type { Router } from '../router.ts';
import { invalidRequest, missingParam, notFound } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { paginate } from '../wire/list.ts';
import { any, enm, listParams, str, validate } from '../wire/schema.ts';

const PURPOSES = [
  'account_requirement',
  'additional_verification',
  'business_icon',
  'business_logo',
  'customer_signature',
  'dispute_evidence',
  'identity_document',
  'issuing_regulatory_reporting',
  'pci_document',
  'tax_document_user_upload',
  'terminal_android_apk',
  'terminal_reader_splashscreen',
];

export function registerFiles(r: Router): void {
  r.post('/v1/files', (ctx) => {
    const p = validate({ purpose: enm(...PURPOSES), file_link_data: any, file: any }, ctx.params, [
      'purpose',
    ]);
    const upload = ctx.files?.get('file');
    if (!upload) throw missingParam('file');
    if (upload.data.length === 0) throw invalidRequest('The file you uploaded is empty.', 'file');
    const id = newId('file');
    const ext = (upload.filename.split('.').pop() ?? '').toLowerCase();
    const created = nowSeconds();
    const file: StripeFile = {
      id,
      object: 'file',
      created,
      expires_at: created + 365 * 24 * 3600,
      filename: upload.filename,
      links: { object: 'list', data: [], has_more: false, url: `/v1/file_links?file=${id}` },
      purpose: p.purpose,
      size: upload.data.length,
      title: null,
      type: ext || null,
      url: `${ctx.app.config.publicUrl}/v1/files/${id}/contents`,
    };
    ctx.app.store.table<string>('file_contents').set(id, upload.data.toString('base64'));
    return ctx.app.store.insert(ctx.account, file);
  });
  r.get('/v1/files/:id', (ctx) => {
    validate({}, ctx.params);
    const f = ctx.app.store.get(ctx.account, ctx.path[0]!, 'file');
    if (!f) throw notFound('file', ctx.path[0]!);
    return f;
  });
  r.get('/v1/files', (ctx) => {
    const p = validate({ ...listParams, purpose: str }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'file'),
      p,
      '/v1/files',
      (f) => !p.purpose || f.purpose === p.purpose,
    );
  });
}
