/**
 * Loads better-sqlite3 on first use, synchronously, so that only a program that constructs a `SqliteStore`
 * ever loads the native module, and a missing one becomes a `StoreError` that says what to install.
 *
 * Why not `import Database from 'better-sqlite3'`: a static import fails the whole `steady-mqtt/sqlite` import
 * with a bare `ERR_MODULE_NOT_FOUND` when the optional peer is missing. Why not `createRequire(import.meta.url)`:
 * the package is also compiled to CommonJS, where `import.meta` does not compile. So the `require` is made from
 * this file's own location, which V8's call sites give in both module systems (a `file:` URL in ES modules, a
 * path in CommonJS): better-sqlite3 resolves from where steady-mqtt is installed, as a peer dependency should.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';

/** The better-sqlite3 `Database` class. */
export type DatabaseConstructor = typeof BetterSqlite3;
/** An open better-sqlite3 connection. */
export type Database = BetterSqlite3.Database;

const loaded = new Map<string, DatabaseConstructor>();

/**
 * Returns better-sqlite3's `Database` class, loading the module the first time.
 *
 * @param moduleId - the module to load; only tests pass another one.
 * @throws StoreError when the module cannot be loaded (not installed, or built for another Node.js).
 */
export function loadDriver(moduleId = 'better-sqlite3'): DatabaseConstructor {
  const cached = loaded.get(moduleId);
  if (cached !== undefined) return cached;
  let exported: unknown;
  try {
    exported = createRequire(thisModuleLocation())(moduleId);
  } catch (err) {
    throw new StoreError(
      `SqliteStore needs the optional peer dependency better-sqlite3, which could not be loaded ` +
        `(${err instanceof Error ? err.message.split('\n')[0] : String(err)}): npm install better-sqlite3@12`,
      { cause: err },
    );
  }
  const driver = (typeof exported === 'function' ? exported : defaultExport(exported)) as DatabaseConstructor;
  if (typeof driver !== 'function') {
    throw new StoreError(`${moduleId} did not export a Database class: npm install better-sqlite3@12`);
  }
  loaded.set(moduleId, driver);
  return driver;
}

function defaultExport(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'default' in value ? value.default : undefined;
}

/** This file's location (URL or path), from the V8 call site of this very function. */
function thisModuleLocation(): string {
  const saved = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  const savedLimit = Error.stackTraceLimit;
  let file: string | null | undefined;
  try {
    Error.stackTraceLimit = 1; // a program may have set it to 0
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    const sites = holder.stack as NodeJS.CallSite[] | undefined;
    // The first call site is this function itself, in this very file.
    file = Array.isArray(sites) ? sites[0]?.getFileName() : undefined;
  } finally {
    Error.stackTraceLimit = savedLimit;
    if (saved === undefined) Reflect.deleteProperty(Error, 'prepareStackTrace');
    else Object.defineProperty(Error, 'prepareStackTrace', saved);
  }
  return file ?? join(process.cwd(), 'package.json');
}
