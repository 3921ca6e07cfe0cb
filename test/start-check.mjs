// Checks `npm start` end to end: it serves the VS Code workbench on 127.0.0.1 with Timens Explorer loaded,
// and Ctrl-C (SIGINT) stops it with its whole process group. Prints `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';

const results = [];
const check = (name, ok, detail = '') => { results.push(ok); console.log(`${ok ? '✔' : '✘'} ${name}${detail ? ` (${detail})` : ''}`); };

// `--readme`: exactly the README's first command (`npm ci && npm start`, which builds), as CI runs it on a fresh
// clone; otherwise the server alone on the build `npm test` already made.
const readme = process.argv.includes('--readme');
const child = readme
  ? spawn('sh', ['-c', 'npm ci --no-audit --no-fund >/dev/null && exec npm start -- --port 0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIMENS_FORCE_CODE_SERVER: '1' }, detached: true })
  : spawn('node', ['tools/start.mjs', '--port', '0', '--no-build'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIMENS_FORCE_CODE_SERVER: '1' } });
let out = '';
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', (d) => { out += d; });
const url = await new Promise((resolve) => {
  const t = setTimeout(() => resolve(null), readme ? 300000 : 60000);
  const poll = setInterval(() => {
    const m = out.match(/(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/);
    if (m) { clearInterval(poll); clearTimeout(t); resolve(m[1]); }
  }, 100);
});
check('prints the address of the workbench', Boolean(url), url ? new URL(url).origin : out.slice(-300));
if (url) {
  const res = await fetch(url).catch((e) => ({ ok: false, status: String(e) }));
  const body = res.ok ? await res.text() : '';
  check('the address serves the VS Code workbench', res.ok && /workbench/.test(body), `HTTP ${res.status}`);
  check('the payload loads the extension from this repository', decodeURIComponent(url).includes(process.cwd()));
}
const pgid = Number(out.match(/code-server process group (\d+)/)?.[1] ?? child.pid);
// Ctrl-C in a terminal signals the whole foreground group (npm and the script under it alike).
if (readme) process.kill(-child.pid, 'SIGINT'); else child.kill('SIGINT');
const code = await new Promise((resolve) => { const t = setTimeout(() => resolve('timeout'), 15000); child.once('exit', (c, sig) => { clearTimeout(t); resolve(c ?? sig); }); });
// npm itself may die of the SIGINT (as it does in a terminal); the script under it must exit cleanly.
check('Ctrl-C stops it', code === 0 || (readme && (code === 'SIGINT' || code === 130)), `exit ${code}`);
await new Promise((r) => setTimeout(r, 500));
const left = spawnSync('sh', ['-c', `ps -eo pgid=,args= | awk '$1 == ${pgid}' | grep -v awk || true`], { encoding: 'utf8' }).stdout.trim();
check('no process of its group is left', left === '', left.split('\n')[0]);
const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
