// The house rules, checked by `npm run lint` (docs/ARCHITECTURE.md explains them; keep the two equal).
//
// Floors, top to bottom; a file may import its own floor and those below, never one above:
//   main.ts → cli/ · serve.ts → http/ → app.ts → engine/ → the features → access/ · net/ · verify/ · documents/
//   → db/ → the basics (src/*.ts: bus, clock, config, duration, errors, ids, incident)
// Between folders, every import goes through the folder's door (index.ts), except into db/, the
// floor, whose modules (database.ts, lease.ts, schema.ts, …) are imported by name. No import circles.

const FEATURES =
  '(alerts|analytics|audit|checklists|credentials|error-tracking|escalation|follow-ups|gdpr|incidents|monitors|' +
  'notify|performance|postmortems|runbook|schedules|services|status|stream|teams|users)';
const BASICS = '^src/(bus|clock|config|duration|errors|ids|incident)\\.ts$';

/** `from` may not import `to`. */
const never = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    never(
      'no-circular',
      'Files that import each other in a loop, however long, cannot be read or moved apart.',
      {},
      {
        circular: true,
      },
    ),
    never(
      'through-the-door',
      'Another folder is entered through its index.ts (its door), never by an inner file; db/ is the exception.',
      { path: '^src/([^/]+)/' },
      { path: '^src/[^/]+/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/db/'] },
    ),
    never(
      'top-level-through-the-door',
      'Files at the top of src/ enter a folder through its index.ts too (db/ aside).',
      { path: '^src/[^/]+\\.ts$' },
      { path: '^src/[^/]+/', pathNot: ['^src/[^/]+/index\\.ts$', '^src/db/'] },
    ),
    never(
      'entry-points',
      'main.ts and serve.ts start the process: only main.ts loads serve.ts, and nothing loads main.ts.',
      { path: '^src/', pathNot: '^src/main\\.ts$' },
      { path: '^src/(main|serve)\\.ts$' },
    ),
    never(
      'cli-from-main',
      'The CLI is entered from main.ts alone.',
      { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/cli/'] },
      { path: '^src/cli/' },
    ),
    never(
      'http-from-serve',
      'The HTTP server is built by serve.ts alone.',
      { path: '^src/', pathNot: ['^src/serve\\.ts$', '^src/http/'] },
      { path: '^src/http/' },
    ),
    never(
      'app-from-above',
      'app.ts, the composition root, is used by serve.ts and http/ only: no feature reaches back into it.',
      { path: '^src/', pathNot: ['^src/serve\\.ts$', '^src/http/', '^src/app\\.ts$'] },
      { path: '^src/app\\.ts$' },
    ),
    never(
      'engine-from-app',
      'The engine is made by app.ts, which hands it its sweeps; features never import it.',
      { path: '^src/', pathNot: ['^src/app\\.ts$', '^src/engine/'] },
      { path: '^src/engine/' },
    ),
    never(
      'under-the-features',
      'access/, net/, verify/ and documents/ sit under every feature: they import no feature.',
      { path: '^src/(access|net|verify|documents)/' },
      { path: `^src/${FEATURES}/` },
    ),
    never(
      'net-and-access-stand-alone',
      'access/ and net/ import only db/ and the basics (verify/ may use both).',
      { path: '^src/(access|net)/' },
      { path: '^src/verify/' },
    ),
    never(
      'db-is-the-floor',
      'db/ imports nothing of Vigil but the basics.',
      { path: '^src/db/' },
      { path: '^src/', pathNot: ['^src/db/', BASICS] },
    ),
    never(
      'basics-stand-alone',
      'The basics at the top of src/ import only each other.',
      { path: BASICS },
      { path: '^src/', pathNot: BASICS },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.tsx?$', '(^|/)dist/', '\\.css$'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
