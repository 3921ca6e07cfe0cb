// Builds the unit tests into out/ and runs them with node:test (spec reporter, so the summary can be read).
import { spawnSync } from 'node:child_process';

const build = spawnSync('node', ['tools/build-tests.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const r = spawnSync('node', ['--test', '--test-reporter=spec', 'out/test/unit/'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
