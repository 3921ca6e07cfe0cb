// Parser throughput on a generated scenario: lines per second for parseScenario (tokens and diagnostics included).
import { parseScenario } from '../../extension/scenario/parser';

export function generatedScenario(lines: number): string {
  const body = [
    'P1: unshare(CLONE_NEWTIME)                      # a new time_for_children',
    'P1: write("/proc/self/timens_offsets", "monotonic 86400 0\\nboottime 7200 0")',
    'expect ok',
    'P1: clock_gettime(CLOCK_MONOTONIC, syscall)',
    'expect P1 CLOCK_MONOTONIC == host + 0s',
    'P1: touch([vvar], 1)',
    'expect signal == SIGBUS',
    'sleep 10ms',
  ];
  const out = ['arch x86_64', 'kernel 6.18'];
  for (let i = 0; out.length < lines; i++) out.push(body[i % body.length]);
  return out.join('\n');
}

export async function bench(): Promise<Record<string, number>> {
  const lines = 20_000;
  const text = generatedScenario(lines);
  // The first parse is what opening a long file costs; reported apart. The JIT then needs about ten parses of
  // this text to settle (measured: the first ten run at 0.2-1.2M lines/s, later ones at 1.3-1.8M), so the
  // throughput figure is taken after ten.
  const c0 = process.hrtime.bigint();
  parseScenario(text);
  const first = Number(process.hrtime.bigint() - c0) / 1e9;
  for (let i = 0; i < 9; i++) parseScenario(text);
  // Best of ten, in wall time and in this process's CPU time (the machine may be shared: CPU time is
  // what the parser itself costs when it does not have to wait for a core).
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 10; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    parseScenario(text);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  }
  return { 'parse.lines_per_sec': lines / best, 'parse.lines_per_cpu_sec': lines / bestCpu, 'parse.first_parse_lines_per_sec': lines / first };
}

