// Root ESLint flat config. Every project's eslint.config.mjs spreads this one.
// Module boundaries: the dependency rules of ../shared ARCHITECTURE.md, written as Nx tags.
// `type:*` separates apps, libraries and tools; `lib:*` orders the libraries into layers.
import nx from '@nx/eslint-plugin';

/** Which of our libraries each library may import. `tensor` imports nothing of ours. */
export const libraryLayers = {
  'lib:tensor': [],
  'lib:datasets': ['lib:tensor'],
  'lib:metrics': ['lib:tensor'],
  'lib:onnx': ['lib:tensor'],
  'lib:spiking': ['lib:tensor', 'lib:metrics', 'lib:onnx'],
  'lib:bayesian': ['lib:tensor', 'lib:metrics', 'lib:onnx'],
  'lib:runner': ['lib:tensor', 'lib:datasets', 'lib:metrics'],
};

export const depConstraints = [
  // Apps use libraries only: never another app.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  // Libraries never import apps or tools.
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
  ...Object.entries(libraryLayers).map(([sourceTag, allowed]) =>
    allowed.length > 0
      ? { sourceTag, onlyDependOnLibsWithTags: allowed }
      : { sourceTag, notDependOnLibsWithTags: ['*'] },
  ),
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/test-output', '**/coverage', '**/node_modules', '.nx/**', '.lab/**'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.cjs', '**/*.mjs'],
    // Per-project config files extend the root ones by path on purpose.
    ignores: ['**/jest.config.cjs', '**/eslint.config.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Tools and configs are CommonJS scripts run by plain Node.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
