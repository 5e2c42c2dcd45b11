'use strict';
// A `require` that resolves from this file's own folder, inside the installed steady-mqtt package, so that an
// optional peer dependency (better-sqlite3) is found where the package manager put it. It is plain CommonJS,
// shipped as it is beside both builds: the ES module build imports it, the CommonJS build requires it, and
// neither needs `import.meta` (which the CommonJS build cannot compile) or stack traces to find its location.
module.exports = function requirePackage(id) {
  return require(id);
};
