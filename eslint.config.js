// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'

export default tseslint.config(
  {
    ignores: [
      'scratch/**',
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.openline/**',
      'openapi/**',
      'packages/*/dist/**',
      'packages/sdk/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config.ts reads the environment (loadConfig).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Read time from the Clock, never Date.now().',
        },
      ],
    },
  },
  {
    files: [
      'src/config.ts',
      'src/cli/**',
      'test/**',
      'bench/**',
      'scripts/**',
      'vitest.config.ts',
      'packages/*/test/**',
      // The examples are programs of their own, configured as a user runs them (OPENLINE_URL…).
      'examples/**',
    ],
    rules: { 'no-restricted-syntax': 'off', 'no-restricted-properties': 'off' },
  },
)
