// The document model (document.ts) as PDF, with pdfkit and the DejaVu Sans fonts (the dejavu-fonts-ttf
// package), embedded as subsets: Latin with every EU language's letters, Greek and Cyrillic print as
// written, so a Polish, Czech or Greek name in a breach report reaches the regulator intact. Nothing is
// fetched; the file is made in memory. Characters DejaVu Sans lacks (CJK, emoji) print blank; the Markdown
// rendering keeps them. Tables wrap their cells and carry on over page breaks.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { cellText, type Cell, type Doc, type DocTable } from './document.js';

export interface PdfOptions {
  /** Compressed content streams (the default); tests read the uncompressed text. */
  compress?: boolean;
  /** The document's creation time (from the injected clock, not the wall clock). */
  createdAt?: Date;
}

const MARGIN = 50;
const BODY = 10;
const CELL_PAD = 4;

const FONT_FILES = { Body: 'DejaVuSans.ttf', Bold: 'DejaVuSans-Bold.ttf', Italic: 'DejaVuSans-Oblique.ttf' };
type Face = keyof typeof FONT_FILES;
let fonts: Record<Face, Buffer> | undefined;

/** The three faces, read from the package once per process. */
function fontFiles(): Record<Face, Buffer> {
  if (!fonts) {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const read = (face: Face) => fs.readFileSync(path.join(dir, FONT_FILES[face]));
    fonts = { Body: read('Body'), Bold: read('Bold'), Italic: read('Italic') };
  }
  return fonts;
}

/** Text as the PDF shows it: control characters become spaces (line breaks stay). */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    out += ch !== '\n' && (code < 0x20 || (code >= 0x7f && code < 0xa0)) ? ' ' : ch;
  }
  return out;
}

type Pdf = InstanceType<typeof PDFDocument>;

function ensureRoom(pdf: Pdf, height: number): void {
  if (pdf.y + height > pdf.page.height - pdf.page.margins.bottom) pdf.addPage();
}

function drawTable(pdf: Pdf, table: DocTable): void {
  const left = pdf.page.margins.left;
  const width = pdf.page.width - pdf.page.margins.left - pdf.page.margins.right;
  const n = Math.max(1, table.columns.length);
  const colWidth = width / n;
  const drawRow = (cells: Cell[], header: boolean) => {
    pdf.font(header ? 'Bold' : 'Body').fontSize(BODY - 1);
    const texts = Array.from({ length: n }, (_, i) => printable(cellText(cells[i] ?? null)));
    const height =
      Math.max(...texts.map((t) => pdf.heightOfString(t, { width: colWidth - 2 * CELL_PAD }))) + 2 * CELL_PAD;
    ensureRoom(pdf, height);
    const top = pdf.y;
    texts.forEach((t, i) => {
      pdf.text(t, left + i * colWidth + CELL_PAD, top + CELL_PAD, { width: colWidth - 2 * CELL_PAD });
    });
    pdf
      .moveTo(left, top + height)
      .lineTo(left + width, top + height)
      .lineWidth(header ? 1 : 0.5)
      .stroke();
    pdf.x = left;
    pdf.y = top + height;
  };
  drawRow(table.columns, true);
  if (table.rows.length === 0) {
    pdf
      .font('Italic')
      .fontSize(BODY)
      .text('None.', left, pdf.y + CELL_PAD);
    return;
  }
  for (const row of table.rows) drawRow(row, false);
}

/** The document as a PDF (A4): title, subtitle, meta rows, then each section's paragraphs, list, table and Markdown. */
export function renderPdf(doc: Doc, options: PdfOptions = {}): Promise<Buffer> {
  const createdAt = options.createdAt ?? new Date(0);
  const pdf = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    compress: options.compress ?? true,
    info: {
      Title: printable(doc.title),
      Creator: 'Vigil',
      Producer: 'Vigil',
      CreationDate: createdAt,
      ModDate: createdAt,
    },
  });
  for (const [face, file] of Object.entries(fontFiles())) pdf.registerFont(face, file);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const left = pdf.page.margins.left;

  pdf.font('Bold').fontSize(16).text(printable(doc.title));
  if (doc.subtitle)
    pdf
      .moveDown(0.2)
      .font('Italic')
      .fontSize(BODY + 1)
      .text(printable(doc.subtitle));
  pdf.moveDown(0.6);
  for (const [label, value] of doc.meta) {
    pdf
      .font('Bold')
      .fontSize(BODY)
      .text(`${printable(label)}: `, { continued: true })
      .font('Body')
      .text(printable(cellText(value)));
  }
  for (const section of doc.sections) {
    pdf.moveDown(0.8);
    ensureRoom(pdf, 40);
    pdf.x = left;
    pdf.font('Bold').fontSize(12).text(printable(section.heading));
    pdf.moveDown(0.3);
    for (const paragraph of section.paragraphs ?? []) {
      pdf.font('Body').fontSize(BODY).text(printable(paragraph), { paragraphGap: 4 });
    }
    if (section.list?.length) {
      pdf.font('Body').fontSize(BODY);
      for (const item of section.list) pdf.text(`•  ${printable(item)}`, { indent: 6 });
    }
    if (section.table) {
      pdf.moveDown(0.3);
      drawTable(pdf, section.table);
    }
    if (section.markdown?.trim()) {
      pdf.x = left;
      pdf.font('Body').fontSize(BODY).text(printable(section.markdown.trim()), { paragraphGap: 4 });
    }
  }
  pdf.end();
  return done;
}
