#!/usr/bin/env node
// Scaffolds a publishable workspace package: node tools/new-package.mjs <dir> <@heed/name> "<description>"
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description] = process.argv.slice(2);
if (!dir || !name) throw new Error('usage: new-package.mjs <dir> <@heed/name> "<description>"');
if (existsSync(join(dir, 'package.json'))) throw new Error(`${dir}/package.json exists`);
const depth = dir.split('/').filter(Boolean).length;
const up = '../'.repeat(depth);
mkdirSync(join(dir, 'src'), { recursive: true });
const json = (file, value) => writeFileSync(join(dir, file), JSON.stringify(value, null, 2) + '\n');
json('package.json', {
  name, version: '0.1.0', description, license: 'MIT', type: 'module',
  main: './dist/index.js', types: './dist/index.d.ts',
  exports: {
    './package.json': './package.json',
    '.': { '@heed/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
  },
  files: ['dist', '!**/*.tsbuildinfo'],
  dependencies: { tslib: '^2.9.1' },
  devDependencies: { '@heed/testing': '*' },
});
json('tsconfig.json', { extends: `${up}tsconfig.base.json`, files: [], include: [], references: [{ path: './tsconfig.lib.json' }, { path: './tsconfig.spec.json' }] });
json('tsconfig.lib.json', {
  extends: `${up}tsconfig.base.json`,
  compilerOptions: { baseUrl: '.', rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/tsconfig.lib.tsbuildinfo', types: ['node'] },
  include: ['src/**/*.ts'], exclude: ['src/**/*.test.ts', 'src/**/test/**'], references: [],
});
json('tsconfig.spec.json', {
  extends: `${up}tsconfig.base.json`,
  compilerOptions: { outDir: './out-tsc/vitest', types: ['node', 'vitest/globals'], noUnusedLocals: false },
  include: ['src/**/*.ts', 'bench/**/*.ts'], references: [{ path: './tsconfig.lib.json' }],
});
writeFileSync(join(dir, 'vitest.config.ts'), `export { default } from '${up}vitest.shared.js';\n`);
writeFileSync(join(dir, 'src/index.ts'), '');
console.log(`created ${name} in ${dir}`);
