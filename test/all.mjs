// `npm test`: the type check and lint from the start, beside the build and then mocha. Each of them
// failing fails the run; the checks' output is printed when they end, so on success the last
// lines are mocha's summary.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import process from 'node:process';

/** Resolves with the exit status; output is inherited, or collected when `collect` is given. */
function run(command, args, collect) {
  const child = spawn(command, args, { stdio: collect === undefined ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
  if (collect !== undefined) {
    child.stdout.on('data', (chunk) => collect.push(chunk));
    child.stderr.on('data', (chunk) => collect.push(chunk));
  }
  const status = new Promise((resolve) => {
    child.once('error', (err) => {
      process.stderr.write(`${command} ${args.join(' ')}: ${err.message}\n`);
      resolve(1);
    });
    child.once('close', (code) => resolve(code ?? 1));
  });
  return { child, status };
}

// Node parses the NODE_EXTRA_CA_CERTS bundle as each process starts (0.07 s of CPU apiece on the
// CI machine); nothing here trusts a public CA, and the suite starts hundreds of Node processes.
delete process.env.NODE_EXTRA_CA_CERTS;

// The type check and lint in one process that builds the TypeScript program once (npm run
// typecheck and npm run lint each build their own). It reads the sources, not the build, so it
// starts first and at full priority: it is one thread, and starved by mocha's four workers it
// used to finish alone at the end, on one core, 20 s after mocha.
const staticChecks = (() => {
  const output = [];
  const { status } = run(process.execPath, ['scripts/static-checks.mjs'], output);
  return status.then((code) => {
    if (code !== 0 || output.length > 0) process.stderr.write(`\ntype check and lint (exit ${code}):\n${Buffer.concat(output).toString()}\n`);
    return code;
  });
})();

const build = await run('npm', ['run', '--silent', 'build']).status;
if (build !== 0) {
  await staticChecks;
  process.exit(build);
}
const mocha = run('mocha', process.argv.slice(2)).status;
const statuses = await Promise.all([staticChecks, mocha]);
process.exit(statuses.find((code) => code !== 0) ?? 0);
