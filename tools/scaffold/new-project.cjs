#!/usr/bin/env node
// Creates a workspace project with the repo's standard layout, so every package and app is wired the
// same way (npm workspace, Nx tags, TypeScript project references, Jest, ESLint).
//
//   node tools/scaffold/new-project.cjs package <name> [--description TEXT] [--layer-deps a,b]
//   node tools/scaffold/new-project.cjs app <name> [--description TEXT]
//
// Then run `npm install` (links the workspace) and `npx nx sync` (updates project references), and,
// for a new library, add its `lib:<name>` layer to `libraryLayers` in eslint.config.mjs.
const fs = require('node:fs');
const path = require('node:path');

const workspaceRoot = path.resolve(__dirname, '..', '..');

function parseArgs(argv) {
  const [kind, name, ...rest] = argv;
  const options = { description: '' };
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i];
    const value = rest[i + 1];
    if (key === '--description') options.description = value;
    else throw new Error(`Unknown option ${key}. Usage: new-project.cjs package|app <name> [--description TEXT]`);
  }
  if (kind !== 'package' && kind !== 'app') {
    throw new Error(`First argument must be "package" or "app", got "${kind}".`);
  }
  if (!name || !/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new Error(`Project name must be kebab-case (a-z, 0-9, -), got "${name}".`);
  }
  return { kind, name, ...options };
}

function files({ kind, name, description }) {
  const tags = kind === 'package' ? ['type:lib', `lib:${name}`] : ['type:app', `app:${name}`];
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'package.json': json({
      name: `@cristal/${name}`,
      version: '0.0.0',
      private: true,
      description,
      type: 'commonjs',
      main: './dist/index.js',
      types: './dist/index.d.ts',
      exports: {
        '.': {
          '@cristal/source': './src/index.ts',
          types: './dist/index.d.ts',
          default: './dist/index.js',
        },
        './package.json': './package.json',
      },
      files: ['dist', '!**/*.tsbuildinfo'],
      nx: { name, tags },
      dependencies: {},
    }),
    'tsconfig.json': json({
      extends: '../../tsconfig.base.json',
      files: [],
      include: [],
      references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }],
    }),
    'tsconfig.lib.json': json({
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo',
        types: ['node'],
      },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts', 'src/**/*.test-helpers.ts'],
      references: [],
    }),
    'tsconfig.spec.json': json({
      extends: '../../tsconfig.base.json',
      compilerOptions: {
        outDir: './out-tsc/jest',
        tsBuildInfoFile: './out-tsc/jest/tsconfig.spec.tsbuildinfo',
        types: ['jest', 'node'],
      },
      include: ['src/**/*.spec.ts', 'src/**/*.test-helpers.ts', 'src/**/*.d.ts', 'package.json', 'bench/**/*.ts'],
      references: [{ path: './tsconfig.lib.json' }],
    }),
    'jest.config.cjs': "module.exports = require('../../jest.preset.cjs').projectConfig(__dirname);\n",
    'eslint.config.mjs': "import baseConfig from '../../eslint.config.mjs';\n\nexport default [...baseConfig];\n",
    'src/index.ts': `// Public API of @cristal/${name}.\nexport {};\n`,
    'src/index.spec.ts': [
      "import * as path from 'node:path';",
      "import { name } from '../package.json';",
      '',
      `describe('@cristal/${name} wiring', () => {`,
      "  it('resolves by its package name to the public API in src/index.ts', () => {",
      "    expect(require.resolve(name)).toBe(path.join(__dirname, 'index.ts'));",
      '  });',
      '});',
      '',
    ].join('\n'),
    'README.md': `# @cristal/${name}\n\n${description}\n\nStatus: scaffolded; not implemented yet.\n\n## Run\n\n\`\`\`bash\nnpx nx test ${name}\n\`\`\`\n`,
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const dir = path.join(workspaceRoot, args.kind === 'package' ? 'packages' : 'apps', args.name);
  if (fs.existsSync(dir)) throw new Error(`${path.relative(workspaceRoot, dir)} already exists; choose another name.`);
  for (const [rel, content] of Object.entries(files(args))) {
    const target = path.join(dir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  console.log(`created ${path.relative(workspaceRoot, dir)} (@cristal/${args.name}); now run: npm install && npx nx sync`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`new-project: ${error.message}`);
    process.exit(2);
  }
}

module.exports = { files, parseArgs };
