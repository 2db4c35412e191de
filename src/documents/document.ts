// A small document model for the reports Vigil exports (the GDPR module's authority report draft and
// compliance report, post-mortems): a title, a few label/value rows, and sections of paragraphs, bullet
// lists, tables and Markdown someone wrote. One model, two renderings: Markdown here (for pasting into a
// regulator's web form or a wiki) and PDF in document-pdf.ts. Text in the model is plain, and every
// renderer escapes it for its own format; only a section's `markdown` is taken as Markdown already.

export type Cell = string | number | null;

export interface DocTable {
  columns: string[];
  rows: Cell[][];
}

export interface DocSection {
  heading: string;
  paragraphs?: string[];
  list?: string[];
  table?: DocTable;
  /**
   * Markdown as a person wrote it (a post-mortem's section), after the paragraphs: the Markdown rendering
   * keeps it as written, its headings moved two levels down so they nest under the section's; the PDF
   * prints its source text.
   */
  markdown?: string;
}

export interface Doc {
  title: string;
  subtitle?: string;
  /** Label/value rows under the title ("Breach": "BR-…"). */
  meta: Array<[label: string, value: Cell]>;
  sections: DocSection[];
}

/** How an empty value reads in a rendered document. */
export const EMPTY = '—';

/** A cell as text: null is EMPTY, numbers as written. */
export function cellText(value: Cell): string {
  if (value === null) return EMPTY;
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Plain text as Markdown inline text that renders as itself, escaped as little as keeps it so (the draft
 * is pasted into forms, where a reader sees the backslashes): the characters that open emphasis, code,
 * links, HTML, table cells and strike-through, an entity reference, and what would start a block at the
 * beginning of the line (a heading, list item, quote or setext underline). Line breaks become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n?|\n/g, ' ')
    .replace(/^[ \t]+/, '') // leading blanks could make an indented code block
    .replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/^([#+=-])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A table cell: escaped like inline text; an empty cell shows EMPTY so the table keeps its columns. */
function markdownCell(value: Cell): string {
  const text = escapeMarkdown(cellText(value)).trim();
  return text === '' ? EMPTY : text;
}

function markdownTable(table: DocTable): string[] {
  const width = table.columns.length;
  const row = (cells: Cell[]) =>
    `| ${Array.from({ length: width }, (_, i) => markdownCell(cells[i] ?? null)).join(' | ')} |`;
  return [row(table.columns), `|${' --- |'.repeat(width)}`, ...table.rows.map(row)];
}

/** Written Markdown under a "## heading": its ATX headings two levels deeper (at most ######), outside code fences. */
function nested(markdown: string): string {
  let fenced = false;
  return markdown
    .split(/\r\n?|\n/)
    .map((line) => {
      if (/^ {0,3}(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return line;
      return line.replace(/^ {0,3}(#{1,6})(?=\s|$)/, (_, hashes: string) => '#'.repeat(Math.min(6, hashes.length + 2)));
    })
    .join('\n');
}

/** The document as Markdown: "# title", the meta rows as a bullet list, "## heading" per section. */
export function toMarkdown(doc: Doc): string {
  const out: string[] = [`# ${escapeMarkdown(doc.title)}`];
  if (doc.subtitle) out.push('', `_${escapeMarkdown(doc.subtitle)}_`);
  if (doc.meta.length > 0) {
    out.push('');
    for (const [label, value] of doc.meta) out.push(`- **${escapeMarkdown(label)}:** ${markdownCell(value)}`);
  }
  for (const section of doc.sections) {
    out.push('', `## ${escapeMarkdown(section.heading)}`);
    for (const paragraph of section.paragraphs ?? []) {
      // A paragraph's own line breaks are kept as hard breaks (two spaces before the newline).
      const lines = paragraph.split(/\r\n?|\n/).map(escapeMarkdown);
      out.push('', lines.join('  \n'));
    }
    if (section.list?.length) {
      out.push('');
      for (const item of section.list) out.push(`- ${escapeMarkdown(item) || EMPTY}`);
    }
    if (section.table) {
      out.push('');
      if (section.table.rows.length === 0) out.push(`_${escapeMarkdown('None.')}_`);
      else out.push(...markdownTable(section.table));
    }
    if (section.markdown?.trim()) out.push('', nested(section.markdown.trim()));
  }
  return `${out.join('\n')}\n`;
}
