// Builds the ES module and CommonJS outputs with their type declarations.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

const tsc = ['node_modules/typescript/bin/tsc'];
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [...tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [...tsc, '-p', 'tsconfig.cjs.json'], { stdio: 'inherit' });
mkdirSync('dist/cjs', { recursive: true });
// Node decides the module kind of a .js file from the nearest package.json.
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
if (existsSync('dist/esm/cli/main.js')) chmodSync('dist/esm/cli/main.js', 0o755);
