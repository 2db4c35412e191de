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
/**
 * The text shown by an uncompressed pdfkit PDF, one entry per TJ operator. pdfkit embeds each font as a
 * Type0 font whose codes are glyph ids; its ToUnicode CMap (bfrange lines "<first> <last> [<u> <u> …]")
 * says which character each id shows, so the text is decoded font by font, as a PDF reader would.
 */
function pdfText(pdf: Buffer): string[] {
  const raw = pdf.toString('latin1');
  const objects = new Map<string, string>();
  for (const m of raw.matchAll(/(\d+) 0 obj\n([^]*?)\nendobj/g)) objects.set(m[1] as string, m[2] as string);
  const cmaps = new Map<string, Map<number, string>>();
  for (const [, name, ref] of raw.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(ref as string) ?? '')?.[1];
    const cmap = new Map<number, string>();
    for (const [, first, list] of (objects.get(toUnicode ?? '') ?? '').matchAll(
      /<([0-9a-f]+)> <[0-9a-f]+> \[([^\]]*)\]/g,
    ))
      [...(list as string).matchAll(/<([0-9a-f]+)>/g)].forEach((u, k) =>
        cmap.set(parseInt(first as string, 16) + k, String.fromCodePoint(parseInt(u[1] as string, 16))),
      );
    cmaps.set(name as string, cmap);
  }
  const shown: string[] = [];
  let font = new Map<number, string>();
  for (const [, name, inner] of raw.matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
    if (name) font = cmaps.get(name) ?? new Map();
    else {
      const hex = [...(inner as string).matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => m[1] as string).join('');
      shown.push((hex.match(/.{4}/g) ?? []).map((g) => font.get(parseInt(g, 16)) ?? '\ufffd').join(''));
    }
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
    // DejaVu Sans, embedded as subsets (nothing fetched).
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    expect(raw).toMatch(/\/FontFile2 /);
    expect(raw).not.toContain('/Helvetica');
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

  it("prints every EU language's letters, Greek and Cyrillic as written; control characters as spaces", async () => {
    const words = 'Łódź, Žluťoučký kůň, Őrség, Straße, Ελλάδα, България, 50 €';
    const pdf = await renderPdf(
      { title: words, meta: [['Zoë', 'Şişli']], sections: [{ heading: 'Ærø', paragraphs: ['a\u0007b'] }] },
      { compress: false },
    );
    const text = pdfText(pdf);
    expect(text.join(' ').replace(/\s+/g, ' ')).toContain(words); // the 16 pt title wraps
    expect(text.join('')).toContain('Zoë: Şişli');
    expect(text).toContain('Ærø');
    expect(text).toContain('a b');
    expect(printable('x\u0000y\nz\u009f')).toBe('x y\nz ');
  });

  it('keeps written Markdown as written, its headings nested under the section, code fences untouched', () => {
    const written: Doc = {
      title: 'Post-mortem',
      meta: [],
      sections: [
        {
          heading: 'Lessons',
          paragraphs: ['*plain*'],
          markdown: '# Deploys\n\n- **canary** first\n\n```sh\n# a comment, not a heading\n```\n#### deep\n',
        },
      ],
    };
    expect(toMarkdown(written)).toBe(
      '# Post-mortem\n\n## Lessons\n\n\\*plain\\*\n\n### Deploys\n\n- **canary** first\n\n' +
        '```sh\n# a comment, not a heading\n```\n###### deep\n',
    );
  });

  it('prints written Markdown as its text in the PDF', async () => {
    const pdf = await renderPdf(
      { title: 'T', meta: [], sections: [{ heading: 'Lessons', markdown: 'Roll back at once' }] },
      { compress: false },
    );
    expect(pdfText(pdf).join('\n')).toMatch(/Lessons[^]*Roll back at once/);
  });
});
