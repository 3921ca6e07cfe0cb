// The workbench renderer's CPU profile, counters and CSS animations over one phase, through the harness
// (tools/vscode-harness/run-tests.mjs, rendererProfile): what the workbench did while our code ran.
import * as fs from 'fs';
import * as path from 'path';

/** The harness's answer to `start` or `stop` (the counters' differences at `stop`), or why there is none. */
type Answer = { readonly error: string } | { readonly [counter: string]: number };

async function ask(name: string, command: 'start' | 'stop'): Promise<Answer> {
  const dir = process.env.HARNESS_SHOT_DIR;
  if (!dir) return { error: 'not in the harness' };
  const run = process.env.HARNESS_RUN_ID ?? 'run';
  const answer = path.join(dir, `${name}.${run}.profiled`);
  fs.rmSync(answer, { force: true });
  fs.writeFileSync(path.join(dir, `${name}.${run}.profile`), command);
  for (let t = 0; t < 300 && !fs.existsSync(answer); t++) await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(answer)) return { error: `the harness did not answer ${command} within 15 s` };
  const result = JSON.parse(fs.readFileSync(answer, 'utf8')) as Answer;
  fs.rmSync(answer, { force: true });
  return result;
}

/** Runs `work` with the renderer profiled: the profile and the animations land in the harness's screenshot folder
 *  as NAME.cpuprofile and NAME.animations.txt (the bench keeps them in test-results/renderer). */
export async function withRendererProfile(name: string, work: () => Promise<void>): Promise<string> {
  const started = await ask(name, 'start');
  await work();
  if (typeof started.error === 'string') return `not profiled: ${started.error}`;
  return rendererCounters(name, await ask(name, 'stop'));
}

/** The counters worth reading: layouts, style recalculations, and the main thread's script and task time (in
 *  seconds from CDP's Performance domain; its frame count stays 0 in headless Chromium). */
function rendererCounters(name: string, answer: Answer): string {
  if (typeof answer.error === 'string') return `not profiled: ${answer.error}`;
  const c = answer as { readonly [counter: string]: number };
  const ms = (k: string) => `${((c[k] ?? NaN) * 1000).toFixed(0)} ms`;
  return `${name}: ${c.LayoutCount} layouts (${ms('LayoutDuration')}), ${c.RecalcStyleCount} style recalcs (${ms('RecalcStyleDuration')}), script ${ms('ScriptDuration')}, tasks ${ms('TaskDuration')}`;
}
