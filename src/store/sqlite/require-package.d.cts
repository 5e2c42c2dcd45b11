/** `require(id)` resolved from steady-mqtt's own folder (see require-package.cjs). */
declare function requirePackage(id: string): unknown;
export = requirePackage;
