// Lint rules: typescript-eslint's recommended set plus the layering rules from DESIGN.md section 2; the
// same set covers the web console's .ts/.tsx (the TypeScript parser reads JSX in .tsx files).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

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
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '**/src/**', 'fastify', 'kysely'],
              message: 'The web console talks to the server over HTTP only.',
            },
          ],
        },
      ],
    },
  },
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
