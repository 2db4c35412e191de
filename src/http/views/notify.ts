// Wire shapes of who hears about incidents and in what words: stakeholders and notification templates.
import { z } from 'zod';
import { TEMPLATE_KEYS } from '../../notify/index.js';
import { Severity } from './incidents.js';
import { ContactKind } from './people.js';

export const Stakeholder = z.object({
  id: z.string(),
  name: z.string(),
  kind: ContactKind,
  address: z.string(),
  severities: z.array(Severity),
  topics: z.array(z.string()).describe('Subjects told besides incident severities, e.g. ["gdpr"].'),
  signed: z.boolean(),
  created_at: z.string(),
});

export const Template = z.object({
  key: z.enum(TEMPLATE_KEYS),
  name: z.string(),
  subject: z.string(),
  text: z.string(),
  customised: z.boolean(),
  updated_at: z.string().nullable(),
  updated_by: z.string().nullable(),
  fields: z.array(z.string()).readonly(),
});
