// A minimal, valid PDF 1.4 writer: one A4 page of Helvetica text lines, with a correct xref table.
// Enough for `invoice_pdf` to return a real document that PDF readers open.

function escapeText(s: string): string {
  // Standard 14 fonts use WinAnsi: keep printable ASCII, escape the string delimiters.
  return s.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
}

export function renderPdf(lines: PdfLine[]): Buffer {
  let y = 800;
  const ops: string[] = ['BT'];
  for (const l of lines) {
    const size = l.size ?? 11;
    ops.push(`/${l.bold ? 'F2' : 'F1'} ${size} Tf`, `1 0 0 1 50 ${y} Tm`, `(${escapeText(l.text)}) Tj`);
    y -= size + 8;
    if (y < 40) break;
  }
  ops.push('ET');
  const content = ops.join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
