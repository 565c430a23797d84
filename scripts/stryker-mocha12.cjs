// Preloaded by `npm run mutate`. Stryker's mocha runner reaches into mocha's cli helpers by
// extensionless require ("mocha/lib/cli/run-helpers"), and mocha 12 ships them as .cjs files, which
// require does not try: let it try .cjs too, as plain CommonJS, until the runner looks them up itself.
const Module = require('node:module');

if (!Module._extensions['.cjs']) Module._extensions['.cjs'] = Module._extensions['.js'];
