#!/usr/bin/env node
// CommonJS on purpose: a CommonJS entry starts without the ES module loader, a few ms sooner.
var problem = require('./node-version.cjs').nodeVersionProblem(process.versions.node);
if (problem !== null) {
  process.stderr.write('Error: ' + problem + '\n');
  process.exit(1);
}
require('../dist/cli.cjs');
