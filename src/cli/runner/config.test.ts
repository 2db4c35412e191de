// runner.yaml: what a good file becomes, and for each kind of mistake the one line naming the file and
// the field. Also the shipped sample (docs/examples/runner.yaml), which must load as it is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placeholdersOf } from '../../actions/index.js';
import { EXAMPLE_DEFINITIONS } from '../../actions/examples.js';
import { CliError } from '../client.js';
import { loadRunnerConfig, parseRunnerConfig } from './config.js';

const parse = (text: string) => parseRunnerConfig(text, 'runner.yaml');
const failure = (text: string): string => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error('it loaded');
};

describe('runner.yaml', () => {
  it('loads commands with their argv, cwd, env and timeout', () => {
    const config = parse(`
commands:
  - name: supabase-deploy
    argv: ["supabase", "functions", "deploy", "{{params.function}}", "--project-ref", "{{ params.project }}"]
    cwd: /srv/app
    env: { SUPABASE_ACCESS_TOKEN: "sbp_x" }
    timeout: 600
  - name: echo.incident_1
    argv: [echo, "{{incident.number}} {{incident.title}} {{incident.severity}} {{incident.id}}",
           "{{service.name}}/{{service.id}}", "{{invocation.id}}", "{{dry_run}}", ""]
`);
    expect(config.commands).toEqual([
      {
        name: 'supabase-deploy',
        argv: ['supabase', 'functions', 'deploy', '{{params.function}}', '--project-ref', '{{ params.project }}'],
        cwd: '/srv/app',
        env: { SUPABASE_ACCESS_TOKEN: 'sbp_x' },
        timeout: 600,
      },
      {
        name: 'echo.incident_1',
        argv: [
          'echo',
          '{{incident.number}} {{incident.title}} {{incident.severity}} {{incident.id}}',
          '{{service.name}}/{{service.id}}',
          '{{invocation.id}}',
          '{{dry_run}}',
          '',
        ],
        cwd: undefined,
        env: {},
        timeout: undefined,
      },
    ]);
  });

  it.each([
    ['commands: []', 'runner.yaml: commands: must list at least one command'],
    ['{}', 'runner.yaml: commands: is required (a list of commands)'],
    ['- a\n- b', 'runner.yaml: must be a map with a "commands" list'],
    ['commands: [{name: a, argv: [x]}]\nextra: 1', 'runner.yaml: unknown field "extra"'],
    [
      'commands:\n  - name: a\n    argv: [x]\n  - name: b\n    argv: []',
      'runner.yaml: commands[1].argv: must not be empty',
    ],
    ['commands: [{name: a}]', 'runner.yaml: commands[0].argv: is required (a list of strings)'],
    ['commands: [{name: a, argv: echo}]', 'runner.yaml: commands[0].argv: must be a list of strings'],
    [
      'commands: [{name: a, argv: [sleep, 5]}]',
      'runner.yaml: commands[0].argv[1]: must be a string (quote it in YAML)',
    ],
    ['commands: [{name: "Deploy Now", argv: [x]}]', 'runner.yaml: commands[0].name: must be 1–64 characters'],
    [`commands: [{name: ${'a'.repeat(65)}, argv: [x]}]`, 'runner.yaml: commands[0].name: must be 1–64 characters'],
    ['commands: [{argv: [x]}]', 'runner.yaml: commands[0].name: is required (a string)'],
    [
      'commands: [{name: a, argv: [x]}, {name: b, argv: [y]}, {name: a, argv: [z]}]',
      'runner.yaml: commands[2].name: "a" is already the name of commands[0]',
    ],
    ['commands: [{name: a, argv: [x], timeout: 0}]', 'runner.yaml: commands[0].timeout: must be above 0'],
    ['commands: [{name: a, argv: [x], timeout: 1.5}]', 'runner.yaml: commands[0].timeout: must be a whole number'],
    ['commands: [{name: a, argv: [x], timeout: 86401}]', 'runner.yaml: commands[0].timeout: must be at most 86400'],
    [
      'commands: [{name: a, argv: [x], timeout: "10m"}]',
      'runner.yaml: commands[0].timeout: must be a number of seconds',
    ],
    ['commands: [{name: a, argv: [x], env: {PORT: 80}}]', 'runner.yaml: commands[0].env.PORT: must be a string'],
    ['commands: [{name: a, argv: [x], env: [A]}]', 'runner.yaml: commands[0].env: must be a map of names to strings'],
    ['commands: [{name: a, argv: [x], cwd: ""}]', 'runner.yaml: commands[0].cwd: must not be empty'],
    ['commands: [{name: a, argv: [x], timout: 5}]', 'runner.yaml: commands[0]: unknown field "timout"'],
    ['commands: [{name: a, argv: [x, "{{incident.titel}}"]}]', 'runner.yaml: commands[0].argv[1]: {{incident.titel}}'],
    ['commands: [{name: a, argv: [x, "--to={{ env.home }}"]}]', 'runner.yaml: commands[0].argv[1]: {{env.home}}'],
    ['commands: [{name: a, argv: [x, "{{params.9lives}}"]}]', 'runner.yaml: commands[0].argv[1]: {{params.9lives}}'],
    [
      'commands: [{name: a, argv: ["{{params.program}}", x]}]',
      'runner.yaml: commands[0].argv[0]: the program to run may hold no placeholder',
    ],
    ['commands: [{name: a, argv: [""]}]', 'runner.yaml: commands[0].argv[0]: the program to run must not be empty'],
    ['commands: [{name: a, argv: [x]}\n', 'runner.yaml: not valid YAML at line 2, column 1 (Flow sequence'],
    [
      'commands:\n  - name: a\n    name: b\n    argv: [x]',
      'runner.yaml: not valid YAML at line 3, column 5 (Map keys must be unique)',
    ],
  ])('refuses %j in one line naming the field', (text, start) => {
    const message = failure(text);
    expect(message.startsWith(start), message).toBe(true);
    expect(message).not.toContain('\n');
  });

  describe('as a file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-runner-config-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('names the file in its errors, and says when it is missing', () => {
      const file = path.join(dir, 'runner.yaml');
      fs.writeFileSync(file, 'commands:\n  - name: a\n    argv: []\n');
      expect(() => loadRunnerConfig(file)).toThrow(`${file}: commands[0].argv: must not be empty`);
      expect(() => loadRunnerConfig(path.join(dir, 'nope.yaml'))).toThrow(
        `${path.join(dir, 'nope.yaml')}: cannot read it (no such file)`,
      );
    });

    it('loads the shipped sample, which has every command the shipped example actions name', () => {
      const sample = loadRunnerConfig(path.resolve(import.meta.dirname, '../../../docs/examples/runner.yaml'));
      for (const example of EXAMPLE_DEFINITIONS) {
        if (example.target.kind !== 'runner') continue;
        const command = sample.commands.find((c) => c.name === (example.target as { command: string }).command);
        expect(command, example.name).toBeDefined();
        // Every parameter it substitutes is one the action declares.
        const used = command!.argv.flatMap(placeholdersOf).filter((n) => n.startsWith('params.'));
        for (const name of used) expect(example.params.map((p) => `params.${p.name}`)).toContain(name);
      }
    });
  });
});
