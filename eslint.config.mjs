// ESLint (flat config): the recommended JavaScript and typescript-eslint rules
// over everything TypeScript and JavaScript we write. Run by `npm run lint`,
// which `npm test` runs first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'media/**', '.vscode-test/**', 'test/e2e/.cache/**', '**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The native tfjs packages are optional and loaded with require() inside try (DESIGN.md §4), and the
    // @vscode/test-electron suite is CommonJS.
    files: ['src/engine/backend/select.ts', 'test/unit/backend-select.test.ts', 'test/desktop/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests and their helpers mutate hostile model.json documents of any shape.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
