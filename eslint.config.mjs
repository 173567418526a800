// ESLint 9 flat config: the recommended JavaScript and TypeScript rules over lib/ and tests/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', 'lib/assembly/**', 'node_modules/**', 'results/**', 'runs/**', 'data/**', 'notebooks/**', 'tests/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a deliberately unused binding (a rest-sibling left out, an unused callback argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // Code that runs inside the browser page (Plotly in Chromium), where the DOM types are not loaded.
  { files: ['lib/src/plots/render.ts', 'tests/notebooks/browser.test.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // The committed bin is CommonJS (it must exist before the build); it loads the built CLI with require().
  { files: ['lib/bin/**/*.js'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        SharedArrayBuffer: 'readonly',
        Atomics: 'readonly',
        URL: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
);
