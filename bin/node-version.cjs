'use strict';
// Plain ES5-era CommonJS on purpose: this runs on whatever Node is installed, before anything that
// needs a recent one is loaded, so an old Node gets a sentence instead of a syntax error.

var NEEDED = [20, 19];

/** The one-line complaint for this Node version, or null when it is recent enough. */
function nodeVersionProblem(version) {
  var parts = String(version).split('.');
  var major = Number(parts[0]);
  var minor = Number(parts[1]);
  if (major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1])) return null;
  return (
    'mqt needs Node.js ' + NEEDED.join('.') + ' or later; this is ' + version +
    '. Install a current Node.js from https://nodejs.org (or with nvm: nvm install --lts), then run mqt again.'
  );
}

module.exports = { nodeVersionProblem: nodeVersionProblem };
