#!/usr/bin/env node
// CommonJS on purpose: a CommonJS entry starts without the ES module loader, a few ms sooner.
var fs = require('fs');
var path = require('path');

/**
 * The folder of the installed launcher. This file itself, when it is the package's (run as mqt or
 * through a symbolic link); when it is a copy (cp bin/mqt.cjs /usr/local/bin/mosquitto_pub, as
 * Dockerfiles do), the package is where the `mqt` found on PATH leads.
 */
function launcherFolder() {
  if (fs.existsSync(path.join(__dirname, 'node-version.cjs'))) return __dirname;
  var dirs = (process.env.PATH || '').split(path.delimiter);
  for (var i = 0; i < dirs.length; i++) {
    if (dirs[i] === '') continue;
    try {
      var real = fs.realpathSync(path.join(dirs[i], 'mqt'));
      if (fs.existsSync(path.join(path.dirname(real), 'node-version.cjs'))) return path.dirname(real);
    } catch (err) {
      // no mqt in this folder
    }
  }
  return null;
}

var folder = launcherFolder();
if (folder === null) {
  process.stderr.write(
    'Error: ' + path.basename(process.argv[1] || 'mqt') + ' is a copy of mqt\'s launcher, and no mqt is on PATH to lead to the mqt package. ' +
      'Install mqt (npm install -g mqt-cli), or make links instead of copies (mqt link-mosquitto DIR).\n',
  );
  process.exit(1);
}
var problem = require(path.join(folder, 'node-version.cjs')).nodeVersionProblem(process.versions.node);
if (problem !== null) {
  process.stderr.write('Error: ' + problem + '\n');
  process.exit(1);
}
require(path.join(folder, '..', 'dist', 'cli.cjs'));
