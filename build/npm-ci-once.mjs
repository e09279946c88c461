// Installs the npm packages of a folder from its lock file, once, however many builds ask at the
// same moment: several projects of one solution build need the same node_modules, and two
// concurrent "npm ci" runs in one folder break each other. A lock directory (mkdir is atomic on
// every platform) makes later callers wait; each caller then installs only when the lock file is
// newer than the installed tree.
// Usage: node build/npm-ci-once.mjs <folder>
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const folder = resolve(process.argv[2] ?? '.');
const lock = join(folder, 'node_modules.install-lock');
const lockFile = join(folder, 'package-lock.json');
const installed = join(folder, 'node_modules', '.package-lock.json');
const staleAfterMs = 20 * 60 * 1000;

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

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

let status = 0;
try {
  const upToDate = existsSync(installed) && statSync(installed).mtimeMs >= statSync(lockFile).mtimeMs;
  if (!upToDate) {
    console.log(`Installing the npm packages of ${folder} from its lock file…`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const run = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: folder, stdio: 'inherit', shell: process.platform === 'win32' });
    status = run.status ?? 1;
  }
} finally {
  rmSync(lock, { recursive: true, force: true });
}
process.exit(status);
