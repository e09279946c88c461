// Installs the npm packages of one or more folders from their lock files, once, however many
// builds ask at the same moment: several projects of one solution build need the same
// node_modules, and two concurrent "npm ci" runs in one folder break each other. A lock directory
// per folder (mkdir is atomic on every platform) makes later callers wait; each caller then
// installs only when the lock file is newer than the installed tree. This is the only place the
// project installs npm packages: tests only check that the build did it.
// Usage: node build/npm-ci-once.mjs <folder> [<folder> …]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const staleAfterMs = 20 * 60 * 1000;
// A registry that drops a connection or answers 5xx for a moment should not fail a build.
const attempts = 3;
const backoffMs = [0, 5_000, 20_000];

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function withLock(folder, work) {
  const lock = join(folder, 'node_modules.install-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock left by a build that was killed mid-install is taken over after a while.
      if (Date.now() - statSync(lock).mtimeMs > staleAfterMs) rmSync(lock, { recursive: true, force: true });
      else sleep(1000);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function install(folder) {
  const lockFile = join(folder, 'package-lock.json');
  const installed = join(folder, 'node_modules', '.package-lock.json');
  if (!existsSync(lockFile)) {
    console.error(`npm-ci-once : error NPM002 : ${folder} has no package-lock.json to install from.`);
    return 1;
  }
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lockFile).mtimeMs) return 0;

  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  let status = 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    sleep(backoffMs[attempt - 1]);
    console.log(`Installing the npm packages of ${folder} from its lock file (attempt ${attempt} of ${attempts})…`);
    const run = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: folder, stdio: 'inherit', shell: process.platform === 'win32' });
    status = run.status ?? 1;
    if (status === 0) return 0;
    console.log(`npm ci in ${folder} exited with ${status}.`);
  }
  console.error(`npm-ci-once : error NPM001 : Could not install the npm packages of ${folder} after ${attempts} attempts ` +
    '(npm ci exited with ' + status + '). The npm registry must be reachable for the first build; npm\'s own messages are above.');
  return status;
}

const folders = process.argv.slice(2).map((f) => resolve(f));
if (folders.length === 0) folders.push(resolve('.'));
for (const folder of folders) {
  const status = withLock(folder, () => install(folder));
  if (status !== 0) process.exit(status);
}
