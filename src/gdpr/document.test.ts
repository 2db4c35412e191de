import { describe, expect, it } from 'vitest';
import { escapeMarkdown, toMarkdown, type Doc } from './document.js';
import { printable, renderPdf } from './document-pdf.js';

const doc: Doc = {
  title: 'Breach *BR-1*',
  subtitle: 'Draft for the authority',
  meta: [
    ['Breach', 'BR-20261207-0001'],
    ['Controller', null],
    ['Subjects', 1200],
  ],
  sections: [
    {
      heading: 'Nature',
      paragraphs: ['Dump of `users` table.\nSecond line with <b>html</b>'],
      list: ['# not a heading', 'a | b'],
    },
    {
      heading: 'Reports',
      table: {
        columns: ['Kind', 'Reference'],
        rows: [
          ['initial', 'CASE|42'],
          ['supplementary', null],
        ],
      },
    },
    { heading: 'Empty', table: { columns: ['A'], rows: [] } },
  ],
};

describe('Markdown', () => {
  it('renders the document exactly, escaped', () => {
    expect(toMarkdown(doc)).toBe(
      [
        '# Breach \\*BR-1\\*',
        '',
        '_Draft for the authority_',
        '',
        '- **Breach:** BR-20261207-0001',
        '- **Controller:** —',
        '- **Subjects:** 1200',
        '',
        '## Nature',
        '',
        'Dump of \\`users\\` table.  ',
        'Second line with \\<b\\>html\\</b\\>',
        '',
        '- \\# not a heading',
        '- a \\| b',
        '',
        '## Reports',
        '',
        '| Kind | Reference |',
        '| --- | --- |',
        '| initial | CASE\\|42 |',
        '| supplementary | — |',
        '',
        '## Empty',
        '',
        '_None._',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['plain text, 2026-12-07 (a) 50%', 'plain text, 2026-12-07 (a) 50%'],
    ['*bold* _em_ `code` [link](x) ~s~', '\\*bold\\* \\_em\\_ \\`code\\` \\[link\\](x) \\~s\\~'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['1. first', '1\\. first'],
    ['> quote', '\\> quote'],
    ['   indented', 'indented'],
    ['a\nb', 'a b'],
    ['AT&amp;T & co', 'AT\\&amp;T & co'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapes %j as %j', (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected);
  });
});

// Windows-1252's 0x80–0x9f (Node's TextDecoder reads that label as Latin-1); "_" marks the unused codes.
const CP1252_HIGH = '€_‚ƒ„…†‡ˆ‰Š‹Œ_Ž__‘’“”•–—˜™š›œ_žŸ';
const cp1252 = {
  decode: (bytes: Buffer) =>
    [...bytes].map((b) => (b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b))).join(''),
};

/** The text shown by an uncompressed pdfkit PDF: each TJ operator's hex strings decoded, one entry per operator. */
function pdfText(pdf: Buffer): string[] {
  const shown: string[] = [];
  for (const [, inner] of pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)) {
    const hex = [...(inner as string).matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1] as string).join('');
    shown.push(cp1252.decode(Buffer.from(hex, 'hex')));
  }
  return shown;
}

describe('PDF', () => {
  it('is a PDF whose text objects carry the document', async () => {
    const pdf = await renderPdf(doc, { compress: false, createdAt: new Date('2026-12-07T10:00:00Z') });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toMatch(/%%EOF/);
    const text = pdfText(pdf).join('\n');
    for (const expected of [
      'Breach *BR-1*',
      'Draft for the authority',
      'BR-20261207-0001',
      'Nature',
      'Dump of `users` table.',
      'Second line with <b>html</b>',
      'a | b',
      '•',
      'Kind',
      'Reference',
      'CASE|42',
      'supplementary',
      '—',
      'None.',
    ])
      expect(text).toContain(expected);
    // The info dictionary has the title and the clock's time, not the wall clock's.
    const raw = pdf.toString('latin1');
    expect(raw).toContain('(D:20261207100000Z)');
    expect(raw).toContain('(Breach *BR-1*)');
    // Only the standard fonts: nothing embedded, nothing fetched.
    expect(raw).not.toMatch(/\/FontFile/);
    expect(raw).toContain('/BaseFont /Helvetica');
  });

  it('breaks long tables over pages', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [`row ${i}`, 'x'.repeat(30)]);
    const pdf = await renderPdf(
      { title: 'Long', meta: [], sections: [{ heading: 'T', table: { columns: ['A', 'B'], rows } }] },
      { compress: false },
    );
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThan(1);
    const text = pdfText(pdf);
    expect(text).toContain('row 0');
    expect(text).toContain('row 119');
  });

  it('prints characters outside the standard fonts as "?"', () => {
    expect(printable('Zoë – 50 € ✓ 日本\u0007')).toBe('Zoë – 50 € ? ?? ');
  });
});
