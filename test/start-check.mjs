// Checks `npm start` end to end: it serves the VS Code workbench on 127.0.0.1 with Timens Explorer loaded,
// and Ctrl-C (SIGINT) stops it with its whole process group. Prints `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';

const results = [];
const check = (name, ok, detail = '') => { results.push(ok); console.log(`${ok ? '✔' : '✘'} ${name}${detail ? ` (${detail})` : ''}`); };

const child = spawn('node', ['tools/start.mjs', '--port', '0', '--no-build'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TIMENS_FORCE_CODE_SERVER: '1' } });
let out = '';
child.stdout.on('data', (d) => { out += d; });
child.stderr.on('data', (d) => { out += d; });
const url = await new Promise((resolve) => {
  const t = setTimeout(() => resolve(null), 60000);
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
child.kill('SIGINT');
const code = await new Promise((resolve) => { const t = setTimeout(() => resolve('timeout'), 15000); child.once('exit', (c) => { clearTimeout(t); resolve(c); }); });
check('Ctrl-C stops it', code === 0, `exit ${code}`);
await new Promise((r) => setTimeout(r, 500));
const left = spawnSync('sh', ['-c', `ps -eo pgid=,args= | awk '$1 == ${pgid}' | grep -v awk || true`], { encoding: 'utf8' }).stdout.trim();
check('no process of its group is left', left === '', left.split('\n')[0]);
const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
