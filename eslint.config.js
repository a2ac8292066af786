// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Fastify plugins, grammY and Bolt handlers are async by contract, with or without an await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The direction of imports (ARCHITECTURE.md): bots depend on the core, never the reverse;
    // only the composition root (src/main.ts) starts the bots.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/bots/**'], message: 'src/ never imports a bot: bots register a ChatChannel instead.' }] }],
    },
  },
  {
    // The ticket core knows no transport, no job runner and no delivery.
    files: ['src/tickets/**/*.ts', 'src/people/**/*.ts', 'src/sla/**/*.ts', 'src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/**', '**/jobs/**', '**/notify/**', '**/bots/**'], message: 'the core must not depend on its adapters (ARCHITECTURE.md).' }] },
      ],
    },
  },
  {
    // Tests read JSON answers of arbitrary shape; typing every one would hide what they check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['eslint.config.js'], extends: [tseslint.configs.disableTypeChecked] },
);
