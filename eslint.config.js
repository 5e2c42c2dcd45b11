// Type-aware lint: floating promises, exhaustive switches, and the sans-IO rule for the lower layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeModules = [
  'node:*',
  'fs',
  'net',
  'tls',
  'os',
  'path',
  'crypto',
  'events',
  'stream',
  'buffer',
  'timers',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/packet/**', 'src/topic/**', 'src/session/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: nodeModules,
              message: 'The codec, topics and the session engine do no I/O: no Node modules.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'setTimeout', 'setInterval', 'setImmediate'],
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
  {
    // The browser example's page script: plain JavaScript run as it is, in a browser.
    files: ['examples/browser/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        document: 'readonly',
        location: 'readonly',
        localStorage: 'readonly',
        crypto: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
  },
  {
    // Plain CommonJS shipped as it is (src/store/sqlite/require-package.cjs).
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
    // Its whole point is a require() resolved from its own folder.
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
