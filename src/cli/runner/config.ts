// runner.yaml: the only commands a `vigil runner` may run (docs/actions.md, "Runners"). Read once at
// start; a mistake stops the runner with one line naming the file and the field, so a typo never
// turns into a command that silently runs with the wrong arguments.
//
// Placeholders in argv are checked here as far as they can be: a context name (`{{incident.number}}`,
// `{{dry_run}}`, …) must be one the template knows, and `{{params.x}}` must be a well-formed parameter
// name. Whether `x` is a parameter of the action is known only when an invocation brings its frozen
// definition, so that is checked at run time. The program (argv[0]) holds no placeholder: what runs is
// decided by whoever wrote this file, never by whoever invokes the action.
import fs from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { CONTEXT_NAMES, PARAM_NAME, placeholdersOf } from '../../actions/index.js';
import { CliError } from '../client.js';

export interface RunnerCommand {
  name: string;
  argv: string[];
  cwd?: string | undefined;
  /** Added to the runner's own environment. */
  env: Record<string, string>;
  /** Seconds; the lower of this and the action's timeout applies. */
  timeout?: number | undefined;
}

export interface RunnerConfig {
  commands: RunnerCommand[];
}

export const COMMAND_NAME = /^[a-z0-9_.-]{1,64}$/;
/** The longest a command may be allowed to run, whatever the action says. */
export const MAX_TIMEOUT_SECONDS = 86_400;

/** A zod error message: "is required" when the field is missing, else what it must be. */
const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `is required (${what})` : `must be ${what}`;

const Command = z
  .object(
    {
      name: z
        .string({ error: expected('a string') })
        .regex(COMMAND_NAME, 'must be 1–64 characters of a-z, 0-9, "_", "." and "-"'),
      argv: z
        .array(z.string({ error: expected('a string (quote it in YAML)') }), { error: expected('a list of strings') })
        .min(1, 'must not be empty'),
      cwd: z
        .string({ error: expected('a string') })
        .min(1, 'must not be empty')
        .optional(),
      env: z
        .record(z.string(), z.string({ error: expected('a string (quote it in YAML)') }), {
          error: expected('a map of names to strings'),
        })
        .optional(),
      timeout: z
        .number({ error: expected('a number of seconds') })
        .int('must be a whole number of seconds')
        .positive('must be above 0')
        .max(MAX_TIMEOUT_SECONDS, `must be at most ${MAX_TIMEOUT_SECONDS} seconds (a day)`)
        .optional(),
    },
    { error: expected('a map with name and argv') },
  )
  .strict();

const File = z
  .object(
    {
      commands: z.array(Command, { error: expected('a list of commands') }).min(1, 'must list at least one command'),
    },
    { error: expected('a map with a "commands" list') },
  )
  .strict();

/** `commands[1].argv` from a zod issue path. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

/** Whether a placeholder names something the template can fill: a parameter, or a value of the context. */
function knownPlaceholder(name: string): boolean {
  if (name.startsWith('params.')) return PARAM_NAME.test(name.slice('params.'.length));
  return (CONTEXT_NAMES as readonly string[]).includes(name);
}

/** Checks the text of a runner.yaml; `file` names it in every error. Throws a one-line CliError. */
export function parseRunnerConfig(text: string, file: string): RunnerConfig {
  const fail = (field: string, message: string) => new CliError(`${file}: ${field ? `${field}: ` : ''}${message}`);
  const doc = parseDocument(text);
  const yamlError = doc.errors[0];
  if (yamlError) {
    const at = yamlError.linePos?.[0];
    const what = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw fail('', `not valid YAML${at ? ` at line ${at.line}, column ${at.col}` : ''} (${what})`);
  }
  const parsed = File.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message =
      issue?.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue?.message;
    throw fail(fieldOf(issue?.path ?? []), message ?? 'invalid');
  }

  const seen = new Map<string, number>();
  const commands = parsed.data.commands.map((command, i): RunnerCommand => {
    const at = `commands[${i}]`;
    const first = seen.get(command.name);
    if (first !== undefined) throw fail(`${at}.name`, `"${command.name}" is already the name of commands[${first}]`);
    seen.set(command.name, i);
    command.argv.forEach((element, j) => {
      const names = placeholdersOf(element);
      if (j === 0 && names.length > 0)
        throw fail(`${at}.argv[0]`, 'the program to run may hold no placeholder (only its arguments may)');
      const unknown = names.find((name) => !knownPlaceholder(name));
      if (unknown !== undefined)
        throw fail(
          `${at}.argv[${j}]`,
          `{{${unknown}}} names nothing: use {{params.<name>}} or one of the names docs/actions.md lists ` +
            '({{incident.number}}, {{service.name}}, {{invocation.id}}, {{dry_run}}, …)',
        );
    });
    if (command.argv[0] === '') throw fail(`${at}.argv[0]`, 'the program to run must not be empty');
    return {
      name: command.name,
      argv: command.argv,
      cwd: command.cwd,
      env: command.env ?? {},
      timeout: command.timeout,
    };
  });
  return { commands };
}

/** Reads and checks a runner.yaml; a missing or unreadable file is a one-line CliError too. */
export function loadRunnerConfig(file: string): RunnerConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)})`,
    );
  }
  return parseRunnerConfig(text, file);
}
