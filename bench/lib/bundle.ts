/**
 * Builds each Node peer's child program into one ES module with esbuild, before any run, so the figures carry
 * no TypeScript compilation (tsx) cost. steady-mqtt's sources are bundled (as an application bundler would);
 * npm packages (mqtt, better-sqlite3, ws) stay external and load from node_modules as published. The bundles go
 * to `.tmp/bench-bundles/<pid>/` (git-ignored; one folder per harness process, so a bench and the smoke test
 * never overwrite each other's), from where `node_modules/` resolves as usual.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BundleName = 'steady' | 'mqttjs' | 'raw' | 'importProbe' | 'steadyLibrary';

/**
 * Each bundle's entry: a peer's child program, the import-cost probe, and steady-mqtt's main entry point alone
 * (what the probe imports, as an application bundle would hold it).
 */
const ENTRIES: Record<BundleName, string> = {
  steady: join('bench', 'peers', 'steady.ts'),
  mqttjs: join('bench', 'peers', 'mqttjs.ts'),
  raw: join('bench', 'peers', 'raw.ts'),
  importProbe: join('bench', 'peers', 'import-probe.ts'),
  steadyLibrary: join('src', 'index.ts'),
};

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE_ROOT = join(REPO_ROOT, '.tmp', 'bench-bundles');

export type Bundles = Record<BundleName, string> & {
  dir: string;
  /** steady-mqtt's peer and its main entry point built from another commit's `src/` (`--baseline`), when asked. */
  steadyBaseline?: string;
  steadyLibraryBaseline?: string;
};

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
    // `require-package.cjs` (the SqliteStore's `require` of better-sqlite3) is bundled into this ES module,
    // where esbuild's `require` shim throws: give the module a real one, as an application's ESM bundle must.
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module';\nconst require = __benchCreateRequire(import.meta.url);",
    },
  });
}

/**
 * The steady-mqtt peer as of commit `rev`: that commit's `src/` (read with `git archive`, which changes nothing
 * in the repository) beside this tree's `bench/`, bundled like the current one. For A/B runs in one session.
 */
export async function buildBaselineBundle(bundles: Bundles, rev: string): Promise<void> {
  const root = join(bundles.dir, 'baseline');
  mkdirSync(root, { recursive: true });
  const archive = execFileSync('git', ['-C', REPO_ROOT, 'archive', '--format=tar', rev, 'src'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  cpSync(join(REPO_ROOT, 'bench'), join(root, 'bench'), { recursive: true });
  const outfile = join(bundles.dir, 'steady-baseline.mjs');
  const library = join(bundles.dir, 'steady-library-baseline.mjs');
  await Promise.all([
    bundle(join(root, 'bench', 'peers', 'steady.ts'), outfile),
    bundle(join(root, 'src', 'index.ts'), library),
  ]);
  bundles.steadyBaseline = outfile;
  bundles.steadyLibraryBaseline = library;
}

export async function buildBundles(dir = join(BUNDLE_ROOT, String(process.pid))): Promise<Bundles> {
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(ENTRIES) as BundleName[];
  const out: Bundles = { dir, steady: '', mqttjs: '', raw: '', importProbe: '', steadyLibrary: '' };
  await Promise.all(
    names.map(async (name) => {
      const outfile = join(dir, `${name}.mjs`);
      await bundle(join(REPO_ROOT, ENTRIES[name]), outfile);
      out[name] = outfile;
    }),
  );
  return out;
}

/** Removes the bundles' folder. */
export function removeBundles(bundles: Bundles): void {
  rmSync(bundles.dir, { recursive: true, force: true });
}
