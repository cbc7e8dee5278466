#!/usr/bin/env node
// CommonJS on purpose: a CommonJS entry starts without the ES module loader, a few ms sooner.
require('../dist/cli.cjs');
