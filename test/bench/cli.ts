// `timens run` as a user runs it: the real CLI process (node dist/cli.js run FILE, output to /dev/null) on
// generated scenarios of 1k, 8k and 64k lines and on one of 10^6 events, and on crowds of 1k and 8k live children;
// with --json --events (output to a file: its size too) on 1k and 8k forks among live tasks that open files; wall
// time and the child's maximum resident set size, best of three. TIMENS_BENCH_1E7=1 adds a run of 10^7 lines
// (minutes).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forEachLine } from '../../extension/scenario/lines';
import { checkText, runText } from '../../extension/scenario/stream';
import { crowdScenarioLines, forkOpenLines, generatedRunScenario, runScenarioLines } from './cliScenario';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');

/**
 * One run of the CLI: wall milliseconds, the child's maximum RSS in MB and its CPU milliseconds (user and system,
 * reported by a preloaded hook at exit). On a shared machine the CPU time says what the wall time would be alone.
 */
function runOnce(dir: string, file: string, options: readonly string[] = []): { ms: number; mb: number; cpuMs: number; status: number | null; outMb: number } {
  const report = path.join(dir, 'rusage.json');
  fs.rmSync(report, { force: true });
  const outFile = path.join(dir, 'stdout');
  const out = fs.openSync(outFile, 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--require', path.join(dir, 'rusage.js'), CLI, 'run', ...options, file], {
    stdio: ['ignore', options.length ? out : 'ignore', 'pipe'], env: { ...process.env, TIMENS_BENCH_RUSAGE: report }, maxBuffer: 1 << 24,
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(out);
  const outMb = fs.statSync(outFile).size / 2 ** 20;
  const usage = fs.existsSync(report)
    ? JSON.parse(fs.readFileSync(report, 'utf8')) as { maxRSS: number; userCPUTime: number; systemCPUTime: number }
    : { maxRSS: NaN, userCPUTime: NaN, systemCPUTime: NaN };
  if (r.status !== 0) console.log(`[bench] cli: ${path.basename(file)} exited ${r.status}: ${r.stderr.toString().slice(0, 300)}`);
  return { ms, mb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, status: r.status, outMb };
}

function best(dir: string, file: string, runs: number, options: readonly string[] = []): { ms: number; mb: number; cpuMs: number; outMb: number } {
  let ms = Infinity;
  let mb = Infinity;
  let cpuMs = Infinity;
  let outMb = 0;
  for (let i = 0; i < runs; i++) {
    const r = runOnce(dir, file, options);
    ms = Math.min(ms, r.ms);
    mb = Math.min(mb, r.mb);
    cpuMs = Math.min(cpuMs, r.cpuMs);
    outMb = r.outMb;
  }
  return { ms, mb, cpuMs, outMb };
}

/** Events a scenario text records (run in this process, streaming). */
function eventsOf(text: string): number {
  const source = (each: Parameters<typeof forEachLine>[1]): void => forEachLine(text, each);
  let events = 0;
  runText(source, checkText(source), { operation(_o, _t, _c, sim) { events = sim.eventCount; }, expectation(_o, _t, _c, sim) { events = sim.eventCount; } });
  return events;
}

export async function bench(): Promise<Record<string, number>> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run bench does)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-bench-cli-'));
  fs.writeFileSync(path.join(dir, 'rusage.js'),
    "process.on('exit', () => require('fs').writeFileSync(process.env.TIMENS_BENCH_RUSAGE, JSON.stringify(process.resourceUsage())));\n");
  const figures: Record<string, number> = {};
  try {
    const sizes: [string, number][] = [['1k', 1_000], ['8k', 8_000], ['64k', 64_000]];
    const measured: Record<string, { ms: number; mb: number; cpuMs: number }> = {};
    for (const [label, lines] of sizes) {
      const file = path.join(dir, `run-${label}.timens`);
      fs.writeFileSync(file, generatedRunScenario(lines));
      measured[label] = best(dir, file, 3);
      figures[`cli.run_ms_${label}`] = measured[label].ms;
      figures[`cli.run_mb_${label}`] = measured[label].mb;
      figures[`cli.run_cpu_ms_${label}`] = measured[label].cpuMs;
    }
    figures['cli.run_scaling_ratio_8x'] = Math.max(measured['64k'].ms / measured['8k'].ms, measured['64k'].mb / measured['8k'].mb);

    // Many tasks alive: 8 times the children (with what each does) against the time and memory of the run
    const crowd: Record<string, { ms: number; mb: number; cpuMs: number }> = {};
    for (const [label, children] of [['1k', 1_000], ['8k', 8_000]] as const) {
      const file = path.join(dir, `crowd-${label}.timens`);
      fs.writeFileSync(file, [...crowdScenarioLines(children)].join('\n') + '\n');
      crowd[label] = best(dir, file, 3);
      figures[`cli.crowd_ms_${label}`] = crowd[label].ms;
      figures[`cli.crowd_mb_${label}`] = crowd[label].mb;
      figures[`cli.crowd_cpu_ms_${label}`] = crowd[label].cpuMs;
    }
    figures['cli.crowd_scaling_ratio_8x'] = Math.max(crowd['8k'].ms / crowd['1k'].ms, crowd['8k'].mb / crowd['1k'].mb);

    // Every event with what it changed, as a script reads a run: a fork among n live tasks once showed its
    // namespace's reference lists whole, an open among n files the whole fd table.
    const events: Record<string, { ms: number; mb: number; cpuMs: number; outMb: number }> = {};
    for (const [label, children] of [['1k', 1_000], ['8k', 8_000]] as const) {
      const file = path.join(dir, `events-${label}.timens`);
      fs.writeFileSync(file, [...forkOpenLines(children)].join('\n') + '\n');
      events[label] = best(dir, file, 2, ['--json', '--events']);
      figures[`cli.events_json_ms_${label}`] = events[label].ms;
      figures[`cli.events_json_out_mb_${label}`] = events[label].outMb;
    }
    figures['cli.events_json_scaling_ratio_8x'] = Math.max(events['8k'].ms / events['1k'].ms, events['8k'].mb / events['1k'].mb, events['8k'].outMb / events['1k'].outMb);

    // The fewest lines (to 100) that record 10^6 events: start from the events a line of 50k lines records.
    let lines = Math.ceil(1_000_000 / (eventsOf(generatedRunScenario(50_000)) / 50_000) / 100) * 100;
    let text = generatedRunScenario(lines);
    while (eventsOf(text) < 1_000_000) text = generatedRunScenario((lines += 100));
    const file = path.join(dir, 'run-1e6-events.timens');
    fs.writeFileSync(file, text);
    const m = best(dir, file, 3);
    figures['cli.run_1e6_events_ms'] = m.ms;
    figures['cli.run_1e6_events_mb'] = m.mb;
    figures['cli.run_1e6_events_cpu_ms'] = m.cpuMs;
    figures['cli.run_1e6_events_lines'] = lines;

    if (process.env.TIMENS_BENCH_1E7 === '1') {
      const big = path.join(dir, 'run-1e7-lines.timens');
      const fd = fs.openSync(big, 'w');
      let chunk = '';
      for (const l of runScenarioLines(10_000_000)) {
        chunk += l + '\n';
        if (chunk.length > 1 << 20) { fs.writeSync(fd, chunk); chunk = ''; }
      }
      fs.writeSync(fd, chunk);
      fs.closeSync(fd);
      const r = runOnce(dir, big);
      figures['cli.run_1e7_lines_ms'] = r.ms;
      figures['cli.run_1e7_lines_mb'] = r.mb;
      figures['cli.run_1e7_lines_cpu_ms'] = r.cpuMs;
      figures['cli.run_1e7_lines_status'] = r.status ?? -1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
