// Checks `npm start` end to end: it serves the VS Code workbench on 127.0.0.1 with Timens Explorer loaded, the
// workbench opens examples/ without Git asking about the parent repository, and Ctrl-C (SIGINT) stops it with
// its whole process group. Runs as a first-time user (an empty state folder). Prints `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const results = [];
const check = (name, ok, detail = '') => { results.push(ok); console.log(`${ok ? '✔' : '✘'} ${name}${detail ? ` (${detail})` : ''}`); };

// `--readme`: exactly the README's first command (`npm ci && npm start`, which builds), as CI runs it on a fresh
// clone; otherwise the server alone on the build `npm test` already made.
const readme = process.argv.includes('--readme');
// A first-time user: no settings or logs from an earlier `npm start`.
const state = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-start-state-'));
const env = { ...process.env, TIMENS_FORCE_CODE_SERVER: '1', XDG_STATE_HOME: state };
const child = readme
  ? spawn('sh', ['-c', 'npm ci --no-audit --no-fund >/dev/null && exec npm start -- --port 0'], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true })
  : spawn('node', ['tools/start.mjs', '--port', '0', '--no-build'], { stdio: ['ignore', 'pipe', 'pipe'], env });
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
  const notices = await notificationsAfterGitScan(url);
  check('it opens examples/ without Git asking about the parent repository', Array.isArray(notices) && !notices.some((n) => /parent folders/i.test(n)),
    Array.isArray(notices) ? notices.join(' | ') : notices);
}
const pgid = Number(out.match(/code-server process group (\d+)/)?.[1] ?? child.pid);
// Ctrl-C in a terminal signals the whole foreground group (npm and the script under it alike).
if (readme) process.kill(-child.pid, 'SIGINT'); else child.kill('SIGINT');
const code = await new Promise((resolve) => { const t = setTimeout(() => resolve('timeout'), 15000); child.once('exit', (c, sig) => { clearTimeout(t); resolve(c ?? sig); }); });
// npm itself may die of the SIGINT (as it does in a terminal); the script under it must exit cleanly.
check('Ctrl-C stops it', code === 0 || (readme && (code === 'SIGINT' || code === 130)), `exit ${code}`);
// Processes that have exited but wait for their parent to collect them (<defunct>) are gone already.
const alive = () => spawnSync('sh', ['-c', `ps -eo pgid=,stat=,args= | awk '$1 == ${pgid} && $2 !~ /Z/' | grep -v awk || true`], { encoding: 'utf8' }).stdout.trim();
let left = alive();
for (let i = 0; left !== '' && i < 10; i++) { await new Promise((r) => setTimeout(r, 500)); left = alive(); }
check('no process of its group is left', left === '', left.split('\n')[0]);
fs.rmSync(state, { recursive: true, force: true });
const failed = results.filter((r) => !r).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

/** Opens the workbench in Chromium, waits until VS Code's Git has scanned the folder (its log says so), then
 *  reads the notification centre. Returns the notifications' texts, or why they could not be read. */
async function notificationsAfterGitScan(address) {
  const cache = process.env.VSCODE_HARNESS_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vscode-harness');
  const executablePath = JSON.parse(fs.readFileSync(path.join(cache, 'env.json'), 'utf8')).chromium;
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(address, { waitUntil: 'commit', timeout: 120000 });
    const scanned = () => fs.readdirSync(state, { recursive: true }).filter((f) => String(f).endsWith('Git.log'))
      .some((f) => /Initial repository scan completed/.test(fs.readFileSync(path.join(state, String(f)), 'utf8')));
    const t0 = Date.now();
    while (!scanned()) {
      if (Date.now() - t0 > 120000) return "VS Code's Git did not finish its first scan within 120 s";
      await new Promise((r) => setTimeout(r, 500));
    }
    // The prompt follows the scan; in a headless window it goes to the notification centre.
    await new Promise((r) => setTimeout(r, 3000));
    await page.locator('.codicon-bell-dot, .codicon-bell').first().click({ timeout: 30000 });
    await page.waitForSelector('.notifications-center', { timeout: 10000 });
    return await page.$$eval('.notifications-center .notification-list-item', (els) => els.map((e) => e.textContent ?? ''));
  } catch (e) {
    return `the workbench could not be read: ${e.message}`;
  } finally {
    await browser.close();
  }
}
