// Documents Vigil exports (reports, post-mortems): one model, rendered as Markdown or PDF.
export { toMarkdown, escapeMarkdown, EMPTY, type Doc, type DocSection, type DocTable, type Cell } from './document.js';
export { renderPdf, type PdfOptions } from './document-pdf.js';
