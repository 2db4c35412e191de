// Sends an exported document (a GDPR report, a post-mortem) as PDF or Markdown, named for download.
import type { FastifyReply } from 'fastify';
import { renderPdf, toMarkdown, type Doc } from '../documents/index.js';

/** `doc` as `name`.pdf (created at `now`, from the injected clock) or `name`.md, shown inline. */
export async function sendDocument(reply: FastifyReply, doc: Doc, name: string, format: 'md' | 'pdf', now: Date) {
  const pdf = format === 'pdf';
  return reply
    .header('content-type', pdf ? 'application/pdf' : 'text/markdown; charset=utf-8')
    .header('content-disposition', `inline; filename="${name}.${format}"`)
    .send(pdf ? await renderPdf(doc, { createdAt: now }) : toMarkdown(doc));
}
