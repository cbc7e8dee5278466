// `npm test`: build, then the type check and lint at a lower CPU priority alongside mocha, which
// mostly waits on the processes it starts. Each of them failing fails the run; their output is
// printed when they end, so on success the last lines are mocha's summary.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
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

const build = await run('npm', ['run', '--silent', 'build']).status;
if (build !== 0) process.exit(build);

// The type check and lint in one process that builds the TypeScript program once (npm run
// typecheck and npm run lint each build their own).
const staticChecks = (() => {
  const output = [];
  const { child, status } = run(process.execPath, ['scripts/static-checks.mjs'], output);
  try {
    if (child.pid !== undefined) setPriority(child.pid, 10);
  } catch {
    // Not allowed here (some containers): it then just competes with mocha for the CPU.
  }
  return status.then((code) => {
    if (code !== 0 || output.length > 0) process.stderr.write(`\ntype check and lint (exit ${code}):\n${Buffer.concat(output).toString()}\n`);
    return code;
  });
})();
const mocha = run('mocha', process.argv.slice(2)).status;
const statuses = await Promise.all([staticChecks, mocha]);
process.exit(statuses.find((code) => code !== 0) ?? 0);
