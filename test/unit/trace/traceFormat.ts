// A small reader for the Chrome JSON trace format, strict where Perfetto's importer and chrome://tracing are:
// it rebuilds processes, threads, slice trees, instants, counters and flows, and reports every violation.

export interface ParsedTrace {
  readonly processes: Map<number, string>;
  readonly threads: Map<string, string>;             // 'pid:tid' → name
  readonly slices: Map<string, Slice[]>;              // per thread, in start order, with depth
  readonly instants: { name: string; ts: number; pid: number; tid: number; args: Record<string, unknown> }[];
  readonly counters: { name: string; ts: number; pid: number; values: Record<string, number> }[];
  readonly flows: { id: number; from: { ts: number; thread: string; slice: Slice }; to: { ts: number; thread: string; slice: Slice } }[];
  readonly errors: string[];
}

export interface Slice {
  readonly name: string;
  readonly ts: number;
  readonly end: number;
  depth: number;
  readonly args: Record<string, unknown>;
}

const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'M', 's', 't', 'f', 'b', 'e', 'n']);

export function parseTrace(text: string): ParsedTrace {
  const errors: string[] = [];
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { processes: new Map(), threads: new Map(), slices: new Map(), instants: [], counters: [], flows: [], errors: [`not JSON: ${String(err)}`] };
  }
  const list: unknown = Array.isArray(doc) ? doc : (doc as { traceEvents?: unknown })?.traceEvents;
  if (!Array.isArray(list)) errors.push('no traceEvents array');
  const events = (Array.isArray(list) ? list : []) as Record<string, unknown>[];
  const processes = new Map<number, string>();
  const threads = new Map<string, string>();
  const slices = new Map<string, Slice[]>();
  const open = new Map<string, { name: string; ts: number; args: Record<string, unknown> }[]>();
  const instants: ParsedTrace['instants'] = [];
  const counters: ParsedTrace['counters'] = [];
  const flowStarts = new Map<number, { ts: number; thread: string }>();
  const flowEnds = new Map<number, { ts: number; thread: string }>();

  events.forEach((e, k) => {
    const where = `event ${k} (${JSON.stringify(e).slice(0, 80)})`;
    if (typeof e !== 'object' || e === null) { errors.push(`${where}: not an object`); return; }
    const ph = e.ph;
    if (typeof ph !== 'string' || !PHASES.has(ph)) { errors.push(`${where}: bad ph`); return; }
    if (!Number.isInteger(e.pid)) errors.push(`${where}: pid must be an integer`);
    if (ph !== 'M' && ph !== 'C' && !Number.isInteger(e.tid)) errors.push(`${where}: tid must be an integer`);
    if (ph !== 'M' && (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0)) errors.push(`${where}: ts must be a number ≥ 0`);
    if (typeof e.name !== 'string' || (ph !== 'E' && e.name.length === 0)) errors.push(`${where}: name must be a non-empty string`);
    const thread = `${e.pid}:${e.tid}`;
    const ts = e.ts as number;
    const args = (e.args ?? {}) as Record<string, unknown>;
    switch (ph) {
      case 'M':
        if (e.name === 'process_name') processes.set(e.pid as number, String(args.name));
        else if (e.name === 'thread_name') threads.set(thread, String(args.name));
        else if (!['process_sort_index', 'thread_sort_index', 'process_labels'].includes(String(e.name))) errors.push(`${where}: unknown metadata ${String(e.name)}`);
        if (!('name' in args) && !('sort_index' in args) && !('labels' in args)) errors.push(`${where}: metadata without args`);
        break;
      case 'X': {
        if (typeof e.dur !== 'number' || e.dur < 0) { errors.push(`${where}: X needs dur ≥ 0`); break; }
        push(slices, thread, { name: e.name as string, ts, end: ts + e.dur, depth: 0, args });
        break;
      }
      case 'B':
        push(open, thread, { name: e.name as string, ts, args });
        break;
      case 'E': {
        const b = open.get(thread)?.pop();
        if (!b) { errors.push(`${where}: E without B`); break; }
        if (ts < b.ts) errors.push(`${where}: E before its B`);
        push(slices, thread, { name: b.name, ts: b.ts, end: ts, depth: 0, args: b.args });
        break;
      }
      case 'i': case 'I':
        if (e.s !== undefined && !['t', 'p', 'g'].includes(e.s as string)) errors.push(`${where}: instant scope must be t, p or g`);
        instants.push({ name: e.name as string, ts, pid: e.pid as number, tid: e.tid as number, args });
        break;
      case 'C': {
        const values: Record<string, number> = {};
        for (const [key, v] of Object.entries(args)) {
          if (typeof v !== 'number' || !Number.isFinite(v)) errors.push(`${where}: counter value ${key} is not a number`);
          else values[key] = v;
        }
        counters.push({ name: e.name as string, ts, pid: e.pid as number, values });
        break;
      }
      case 's': case 'f': {
        if (!Number.isInteger(e.id)) { errors.push(`${where}: flow without an integer id`); break; }
        const map = ph === 's' ? flowStarts : flowEnds;
        if (map.has(e.id as number)) errors.push(`${where}: flow id ${e.id} ${ph === 's' ? 'starts' : 'ends'} twice`);
        map.set(e.id as number, { ts, thread });
        if (ph === 'f' && e.bp !== 'e') errors.push(`${where}: flow end should bind to its enclosing slice (bp "e")`);
        break;
      }
    }
  });
  for (const [thread, stack] of open) if (stack.length) errors.push(`thread ${thread}: ${stack.length} B without E`);

  // Nesting: on each thread, a slice must end before (or when) its parent ends.
  for (const [thread, list] of slices) {
    list.sort((a, b) => a.ts - b.ts || b.end - a.end);
    const stack: Slice[] = [];
    for (const s of list) {
      while (stack.length && stack[stack.length - 1].end <= s.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent && s.end > parent.end) errors.push(`thread ${thread}: slice ${s.name} [${s.ts}, ${s.end}) overlaps ${parent.name} [${parent.ts}, ${parent.end}) without nesting`);
      s.depth = stack.length;
      stack.push(s);
    }
  }
  for (const key of threads.keys()) {
    const pid = Number(key.split(':')[0]);
    if (!processes.has(pid)) errors.push(`thread ${key} belongs to a process without a process_name`);
  }

  const enclosing = (thread: string, ts: number): Slice | undefined => {
    let best: Slice | undefined;
    for (const s of slices.get(thread) ?? []) if (s.ts <= ts && ts < s.end && (!best || s.depth > best.depth)) best = s;
    return best;
  };
  const flows: ParsedTrace['flows'] = [];
  for (const [id, from] of flowStarts) {
    const to = flowEnds.get(id);
    if (!to) { errors.push(`flow ${id} has no end`); continue; }
    if (to.ts < from.ts) errors.push(`flow ${id} ends before it starts`);
    const a = enclosing(from.thread, from.ts);
    const b = enclosing(to.thread, to.ts);
    if (!a || !b) { errors.push(`flow ${id} does not bind to slices (${from.thread}@${from.ts} → ${to.thread}@${to.ts})`); continue; }
    flows.push({ id, from: { ...from, slice: a }, to: { ...to, slice: b } });
  }
  for (const id of flowEnds.keys()) if (!flowStarts.has(id)) errors.push(`flow ${id} has no start`);
  return { processes, threads, slices, instants, counters, flows, errors };
}

function push<T>(map: Map<string, T[]>, key: string, v: T): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(v);
}
