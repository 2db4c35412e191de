// The runbook's notification templates as admins edit them. A stored template replaces the seed text
// of its key; deleting it brings the seed back. Everything is checked when saved, so a bad template is
// refused with every problem named and never stored.
//
// Sending reads the stored row in the sending transaction and compiles it (memoised by its text), so
// instances sharing one PostgreSQL never send from a stale copy: an edit counts from its commit on.
import { authorize, type Actor } from '../access/index.js';
import { audit } from '../audit/index.js';
import type { Clock } from '../clock.js';
import { inTransaction, type Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { compileTemplate, SEED_TEMPLATES, TEMPLATE_FIELDS, type Template } from './template.js';
import { deleteTemplate, findTemplate, listTemplates, saveTemplate, type StoredTemplate } from './templates.repo.js';

export const TEMPLATE_KEYS = ['initial', 'resolution', 'customer_notice'] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** Subjects are one line (they become an email header); bodies may be up to the language's limit. */
export const MAX_SUBJECT_LENGTH = 500;

export interface TemplateView {
  key: TemplateKey;
  /** The runbook's name for it, e.g. "Initial Incident Notification". */
  name: string;
  subject: string;
  text: string;
  /** False while the seed text is in use. */
  customised: boolean;
  updatedAt: Date | null;
  updatedBy: string | null;
}

export interface CompiledPair {
  subject: Template;
  text: Template;
}

// Compiled templates by source text. The key is the text itself, so an entry can never be stale.
const MEMO_LIMIT = 64;

export function createTemplatesService({ db, clock }: { db: Db; clock: Clock }) {
  const memo = new Map<string, Template | null>();
  function compiled(source: string): Template | null {
    let hit = memo.get(source);
    if (hit === undefined) {
      const result = compileTemplate(source, TEMPLATE_FIELDS);
      hit = result.ok ? result.template : null;
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(source, hit);
    }
    return hit;
  }

  const seeds = Object.fromEntries(
    TEMPLATE_KEYS.map((key) => {
      const subject = compiled(SEED_TEMPLATES[key].subject);
      const text = compiled(SEED_TEMPLATES[key].text);
      if (!subject || !text) throw new Error(`the seed template "${key}" does not compile`);
      return [key, { subject, text }];
    }),
  ) as Record<TemplateKey, CompiledPair>;

  function known(key: string): TemplateKey {
    if (!(TEMPLATE_KEYS as readonly string[]).includes(key)) throw notFound('template', key);
    return key as TemplateKey;
  }

  function view(key: TemplateKey, stored: StoredTemplate | undefined): TemplateView {
    const seed = SEED_TEMPLATES[key];
    return {
      key,
      name: seed.name,
      subject: stored?.subject ?? seed.subject,
      text: stored?.text ?? seed.text,
      customised: stored !== undefined,
      updatedAt: stored?.updatedAt ?? null,
      updatedBy: stored?.updatedBy ?? null,
    };
  }

  /** Every problem of a subject and body, each named by field and position; none means it may be saved. */
  function problems(input: { subject: string; text: string }): Array<{ field: 'subject' | 'text'; message: string }> {
    const out: Array<{ field: 'subject' | 'text'; message: string }> = [];
    if (/[\r\n]/.test(input.subject)) out.push({ field: 'subject', message: 'must be a single line' });
    if (input.subject.length > MAX_SUBJECT_LENGTH)
      out.push({
        field: 'subject',
        message: `is ${input.subject.length} characters long; the limit is ${MAX_SUBJECT_LENGTH}`,
      });
    for (const field of ['subject', 'text'] as const) {
      const result = compileTemplate(input[field], TEMPLATE_FIELDS);
      if (!result.ok) out.push(...result.errors.map((message) => ({ field, message })));
    }
    return out;
  }

  return {
    /** Both templates, stored or seed (any token may read them). */
    async list(actor: Actor): Promise<TemplateView[]> {
      authorize(actor, 'read');
      const stored = new Map((await listTemplates(db)).map((t) => [t.key, t]));
      return TEMPLATE_KEYS.map((key) => view(key, stored.get(key)));
    },

    async get(actor: Actor, key: string): Promise<TemplateView> {
      authorize(actor, 'read');
      const k = known(key);
      return view(k, await findTemplate(db, k));
    },

    /**
     * Replaces a template (admins); a template with an unknown field or a syntax error is refused with a 400 naming
     * each.
     */
    async save(actor: Actor, key: string, input: { subject: string; text: string }): Promise<TemplateView> {
      authorize(actor, 'user.write');
      const k = known(key);
      const found = problems(input);
      if (found.length > 0) {
        throw new AppError('template.invalid', found.map((p) => `${p.field}: ${p.message}`).join('; '), {
          errors: found,
          fields: TEMPLATE_FIELDS,
        });
      }
      const stored: StoredTemplate = {
        key: k,
        subject: input.subject,
        text: input.text,
        updatedAt: clock.now(),
        updatedBy: actor.name,
      };
      await inTransaction(db, async (trx) => {
        const previous = await findTemplate(trx, k);
        await saveTemplate(trx, stored);
        await audit(trx, clock, actor, {
          action: 'template.update',
          target: { type: 'template', id: k },
          details: { subject: input.subject, text: input.text, was_customised: previous !== undefined },
        });
      });
      return view(k, stored);
    },

    /** Back to the seed text (admins); resetting a template that is not customised changes nothing. */
    async reset(actor: Actor, key: string): Promise<TemplateView> {
      authorize(actor, 'user.write');
      const k = known(key);
      await inTransaction(db, async (trx) => {
        if (await deleteTemplate(trx, k))
          await audit(trx, clock, actor, {
            action: 'template.reset',
            target: { type: 'template', id: k },
            details: {},
          });
      });
      return view(k, undefined);
    },

    /**
     * The template to send under `key`, read in the caller's transaction: the stored one, or the
     * seed's. A stored template that no longer compiles (a field was retired since it was saved)
     * falls back to the seed text rather than leaving stakeholders without a message.
     */
    async forSending(q: Db, key: TemplateKey): Promise<CompiledPair> {
      const stored = await findTemplate(q, key);
      if (!stored) return seeds[key];
      const subject = compiled(stored.subject);
      const text = compiled(stored.text);
      return subject && text ? { subject, text } : seeds[key];
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
