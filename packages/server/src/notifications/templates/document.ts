import mjml2html from 'mjml';

/**
 * An e-mail as blocks of content, rendered twice from the same source: to MJML (responsive HTML) and to the
 * plain-text part. Templates build documents; they never write markup.
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; strong?: boolean }
  | { kind: 'facts'; rows: [label: string, value: string][] }
  | { kind: 'button'; label: string; href: string };

export interface EmailDocument {
  subject: string;
  /** the inbox's one-line preview */
  preview: string;
  /** who the e-mail is from, as the reader knows them (the tenant's name) */
  brand: string;
  blocks: Block[];
  footer: string;
}

/**
 * The tenant's look in the shared layout: a logo above the card (an https or small `data:` image URL) and the
 * accent colour of buttons and the card's top edge (`#rrggbb`). Both are checked when they are saved.
 */
export interface EmailStyle {
  logoUrl?: string | null;
  accentColor?: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A header value: no line breaks (header injection), no runs of blanks. */
export const headerSafe = (s: string) =>
  s
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();

const text = '#18181b';
const muted = '#52525b';
const defaultAccent = '#4f46e5';
const hexColour = /^#[0-9a-fA-F]{6}$/;

function blockMjml(b: Block, accent: string): string {
  switch (b.kind) {
    case 'heading':
      return `<mj-text font-size="20px" font-weight="600" color="${text}" padding-bottom="8px">${escapeHtml(b.text)}</mj-text>`;
    case 'paragraph':
      return `<mj-text font-size="15px" line-height="22px" color="${text}"${b.strong ? ' font-weight="600"' : ''}>${escapeHtml(b.text)}</mj-text>`;
    case 'facts': {
      const rows = b.rows
        .map(
          ([label, value]) =>
            `<tr><td style="padding:6px 12px 6px 0;color:${muted};white-space:nowrap;vertical-align:top">${escapeHtml(label)}</td><td style="padding:6px 0;color:${text};font-weight:600">${escapeHtml(value)}</td></tr>`,
        )
        .join('');
      return `<mj-table font-size="15px" padding-top="12px" padding-bottom="12px">${rows}</mj-table>`;
    }
    case 'button':
      return `<mj-button href="${escapeHtml(b.href)}" background-color="${accent}" color="#ffffff" font-size="15px" font-weight="600" border-radius="6px" align="left">${escapeHtml(b.label)}</mj-button>`;
  }
}

function blockText(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${b.text}\n${'='.repeat(Math.min(b.text.length, 72))}`;
    case 'paragraph':
      return b.text;
    case 'facts': {
      const width = Math.max(...b.rows.map(([l]) => l.length));
      return b.rows.map(([l, v]) => `${`${l}:`.padEnd(width + 2)}${v}`).join('\n');
    }
    case 'button':
      return `${b.label}: ${b.href}`;
  }
}

function brandHeader(doc: EmailDocument, logoUrl: string | null | undefined): string {
  const name = `<mj-text font-size="14px" font-weight="600" color="${muted}">${escapeHtml(doc.brand)}</mj-text>`;
  if (!logoUrl) return name;
  return `<mj-image src="${escapeHtml(logoUrl)}" alt="${escapeHtml(doc.brand)}" width="120px" align="left" padding-bottom="4px" />
      ${name}`;
}

export function toMjml(doc: EmailDocument, style: EmailStyle = {}): string {
  const accent = style.accentColor && hexColour.test(style.accentColor) ? style.accentColor : defaultAccent;
  return `<mjml>
  <mj-head>
    <mj-title>${escapeHtml(doc.subject)}</mj-title>
    <mj-preview>${escapeHtml(doc.preview)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" />
    </mj-attributes>
    <mj-raw><meta name="color-scheme" content="light dark" /><meta name="supported-color-schemes" content="light dark" /></mj-raw>
  </mj-head>
  <mj-body background-color="#f4f4f5">
    <mj-section padding="24px 0 8px">
      <mj-column>${brandHeader(doc, style.logoUrl)}</mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" border-radius="8px" border-top="4px solid ${accent}" padding="16px 8px">
      <mj-column>
        ${doc.blocks.map((b) => blockMjml(b, accent)).join('\n        ')}
      </mj-column>
    </mj-section>
    <mj-section padding="8px 0 24px">
      <mj-column><mj-text font-size="12px" line-height="18px" color="#71717a">${escapeHtml(doc.footer)}</mj-text></mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

export function toText(doc: EmailDocument): string {
  return `${[doc.brand, ...doc.blocks.map(blockText), '--', doc.footer].join('\n\n')}\n`;
}

/** Subject, HTML and text of a document; a template that MJML refuses is a programming error. */
export async function renderDocument(doc: EmailDocument, style: EmailStyle = {}): Promise<RenderedEmail> {
  const { html, errors } = await mjml2html(toMjml(doc, style), { validationLevel: 'strict' });
  if (errors.length > 0) throw new Error(`MJML: ${errors.map((e) => e.formattedMessage).join('; ')}`);
  return { subject: headerSafe(doc.subject), html, text: toText(doc) };
}
