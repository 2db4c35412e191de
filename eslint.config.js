// Lint rules: typescript-eslint's recommended set plus the layering rules from DESIGN.md section 2; the
// same set covers the web console's .ts/.tsx (the TypeScript parser reads JSX in .tsx files).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const HTTP_ONLY = {
  group: ['node:*', '**/src/**', 'fastify', 'kysely'],
  message: 'The web console talks to the server over HTTP only.',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'web/dist/', 'web/node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The dependency rules (.dependency-cruiser.cjs) are CommonJS, as dependency-cruiser reads them.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Prettier wraps code at 120 columns; this also holds strings, comments and URLs to it.
      'max-len': ['error', { code: 120, tabWidth: 2 }],
    },
  },
  // The console runs in the browser: it never imports the server's code or Node's modules.
  {
    files: ['web/**/*.{ts,tsx}'],
    ignores: ['web/vite.config.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [HTTP_ONLY] }] },
  },
  ...consoleFolders(),
  // React's rules of hooks and effect dependencies, for the console's components.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...layering(),
);

// Only repositories and src/db/ import Kysely (type imports aside); only src/http/ and main.ts import Fastify.
function layering() {
  const kysely = { name: 'kysely', message: 'Only *.repo.ts and src/db/ import Kysely.', allowTypeImports: true };
  const fastify = {
    group: ['fastify', '@fastify/*', 'fastify-*'],
    message: 'Features never import Fastify; HTTP lives in src/http/.',
  };
  const rule = (paths, patterns) => ({ 'no-restricted-imports': ['error', { paths, patterns }] });
  return [
    {
      files: ['src/**/*.ts'],
      ignores: ['src/http/**', 'src/main.ts', 'src/**/*.repo.ts', 'src/db/**', 'src/**/*.test.ts'],
      rules: rule([kysely], [fastify]),
    },
    { files: ['src/**/*.repo.ts', 'src/db/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: rule([], [fastify]) },
    { files: ['src/http/**/*.ts'], ignores: ['src/**/*.test.ts'], rules: rule([kysely], []) },
  ];
}

// The console's folders (web/README.md): a screen imports ui/, shared/ and its own folder, never another
// screen; shared/ imports ui/ and no screen; ui/ (the design system) imports neither. So the folders cannot
// import one another in a circle.
function consoleFolders() {
  const screens = [
    'incidents',
    'oncall',
    'services',
    'follow-ups',
    'dashboards',
    'analytics',
    'settings',
    'design',
    'postmortems',
    'status',
  ];
  const banned = (folders, message) => ({
    'no-restricted-imports': [
      'error',
      { patterns: [HTTP_ONLY, { group: folders.flatMap((f) => [`../${f}/*`, `./${f}/*`]), message }] },
    ],
  });
  return [
    {
      files: ['web/src/ui/**/*.{ts,tsx}'],
      rules: banned([...screens, 'shared'], 'ui/ is the design system: it imports no screen and not shared/.'),
    },
    {
      files: ['web/src/shared/**/*.{ts,tsx}'],
      rules: banned(screens, 'shared/ is used by the screens and uses none.'),
    },
    ...screens.map((screen) => ({
      files: [`web/src/${screen}/**/*.{ts,tsx}`],
      rules: banned(
        screens.filter((s) => s !== screen),
        'A screen imports shared/ and its own folder; what two screens use belongs in shared/.',
      ),
    })),
  ];
}
