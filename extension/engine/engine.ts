// The engine: owns the open scenario texts, the recorded runs and their cursors, and answers the host's requests
// (protocol.ts). Pure: no vscode, no worker API; serve.ts puts it behind a port in a worker thread.
import type { ScenarioRun } from '../scenario/api';
import { profileFor, runParsed } from '../scenario/index';
import { completionsAt, hoverAt, outline } from '../scenario/editor/language';
import type { NamespaceMode } from '../scenario/editor/trees';
import type { Profile } from '../sim/types';
import { chromeTrace, chromeTraceJson } from '../trace/chrome';
import { encodeTrace } from '../trace/encode';
import { eventDetails } from '../trace/timelineData';
import { sliceColumns } from '../../webview/protocol';
import { compareScenario, compareScenarioN } from '../tours/compare';
import { memoryPageView, pageOfTreeRow } from '../debug/memoryPage';
import { eventsForFunctions } from '../tours/links';
import type { MoveSource } from '../debug/cursor';
import type { Endpoint } from './rpc';
import { Transfer } from './rpc';
import { ScenarioText, TextsInParts, runOptions, sameOverrides } from './documents';
import { editorTextOfFile } from './diskText';
import { runInSlices, type Job } from './jobs';
import { DebugSessions } from './debugSessions';
import { boundedOutline, withLineLengths } from './outline';
import { TREE_KEYS, type ClientRequests, type EngineEvents, type EngineRequests, type EventBrief, type RunId, type RunRequest, type RunSummary, type TreesPatch, type TreeViews } from './protocol';
import { diffTree, type TreePatch } from '../scenario/editor/treePatch';
import { RunRecord } from './runs';
import { GiveBack, type EngineOptions } from './giveBack';

export type { EngineOptions } from './giveBack';

export type EngineEndpoint = Endpoint<ClientRequests, EngineRequests, EngineEvents, Record<string, never>>;

/** Cap for the background run that checks a document as it is typed (a run the user starts has its own limit). */
export const LIVE_MAX_EVENTS = 200_000;

/** The requests that bring or drop a document's text: they never wait for it. */
const TEXT_METHODS: ReadonlySet<string> = new Set(['open', 'openPart', 'openFromDisk', 'close']);

export class Engine {
  private readonly docs = new Map<string, ScenarioText>();
  private readonly parts = new TextsInParts();
  private readonly runs = new Map<RunId, RunRecord>();
  private readonly sessions = new Map<string, RunId>();
  private readonly jobs = new Map<string, Job>();
  private readonly jobsById = new Map<number, Job>();
  private nextRun = 1;
  private nextJob = -1;
  private watched: { runId: RunId | null; mode: NamespaceMode } = { runId: null, mode: 'owner' };
  /** The trees last sent to the host (a move sends what changed since them), and the number of the last sending. */
  private sentTrees: TreeViews | undefined;
  private treesSeq = 0;
  private readonly debug: DebugSessions;
  private readonly giveBack: GiveBack;

  constructor(private readonly rpc: EngineEndpoint, options: EngineOptions = {}) {
    this.debug = new DebugSessions(rpc, this);
    this.giveBack = new GiveBack(options, () => this.jobs.size > 0 || this.parts.size > 0);
    // A request about a document whose text is still coming in parts waits for the last part (in order).
    const h: EngineEndpoint['handle'] = (method, handler) => rpc.handle(method, (p) => {
      const uri = (p as { uri?: unknown }).uri;
      const ready = typeof uri === 'string' && !TEXT_METHODS.has(method) ? this.parts.ready(uri) : undefined;
      return ready ? ready.then(() => handler(p)) : handler(p);
    });
    h('open', (p) => {
      this.cancelOlder(p.uri, p.version);
      if (p.more) { this.parts.begin(p.uri, p.version, p.file, p.text); return; }
      this.docs.set(p.uri, new ScenarioText(p.uri, p.file, p.version, p.text));
      this.parts.end(p.uri);
    });
    h('openFromDisk', (p) => {
      this.cancelOlder(p.uri, p.version);
      const read = editorTextOfFile(p.file, p.editor);
      if ('reason' in read) {
        // The host sends the text instead: until its last part, requests about the document wait.
        this.parts.begin(p.uri, p.version, p.file, '');
        return read;
      }
      this.docs.set(p.uri, new ScenarioText(p.uri, p.file, p.version, read.text));
      this.parts.end(p.uri);
      return { length: read.text.length };
    });
    h('openPart', (p) => {
      const whole = this.parts.add(p.uri, p.version, p.text, p.last);
      if (!whole) return;
      this.docs.set(p.uri, new ScenarioText(p.uri, whole.file, p.version, whole.text));
      this.parts.end(p.uri);
    });
    h('change', (p) => {
      const doc = this.docs.get(p.uri);
      if (!doc || !doc.apply(p.version, p.edits, p.length)) return false;
      this.cancelOlder(p.uri, p.version);
      return true;
    });
    h('close', (p) => {
      const closed = this.docs.get(p.uri);
      this.docs.delete(p.uri);
      if (closed) this.giveBack.droppedText(closed.text.length);
      this.parts.end(p.uri);
      this.cancelOlder(p.uri, Infinity);
      this.dropSession(p.uri);
    });
    h('reset', (p) => this.dropSession(p.uri));
    h('validate', (p) => this.validate(p.uri, p.version, p.request));
    h('run', async (p) => {
      const rec = await this.runDocument(p.uri, p.version, p.request, p.job, 'run', p.source);
      return rec ? rec.summary() : null;
    });
    h('ensureRun', async (p) => (await this.ensureRun(p.uri, p.version, p.request, p.source)).summary());
    h('cancel', (p) => { const job = this.jobsById.get(p.job); if (job) job.cancelled = true; });
    h('move', (p) => {
      const rec = this.rec(p.runId);
      const moved = rec.cursor.move(p.move, p.source, 'host');
      return { moved, view: rec.view() };
    });
    h('cursor', (p) => this.rec(p.runId).view());
    h('watch', (p) => {
      this.watched = { runId: p.runId, mode: p.mode };
      const rec = p.runId === null ? undefined : this.runs.get(p.runId);
      this.sentTrees = rec ? { ...rec.trees(p.mode), seq: ++this.treesSeq } : undefined;
      return this.sentTrees ?? null;
    });
    h('inline', (p) => this.rec(p.runId).inline(p.from, p.to));
    h('event', (p) => {
      const sim = this.rec(p.runId).sim;
      return Number.isInteger(p.index) && p.index >= 0 && p.index < sim.eventCount ? sim.event(p.index) : null;
    });
    h('lineSpan', (p) => this.rec(p.runId).sim.lineSpans().find((s) => s.line === p.line) ?? null);
    h('resultOfLine', (p) => this.rec(p.runId).sim.resultOfLine(p.line) ?? null);
    h('find', (p) => this.find(this.rec(p.runId), p));
    h('lastChange', (p) => {
      const rec = this.rec(p.runId);
      return rec.sim.lastChanging(rec.cursor.position, p.obj, p.field);
    });
    h('hover', (p) => {
      const doc = this.doc(p.uri, p.version);
      if (!doc) return null;
      const current = this.currentRun(doc);
      return hoverAt(p.line, p.character, { parsed: doc.parsed(), profile: this.profileOf(doc, p.request), ...(current ? { run: current } : {}) });
    });
    h('complete', (p) => {
      const doc = this.doc(p.uri, p.version);
      if (!doc) return [];
      return completionsAt(doc.lines()[p.line]?.replace(/\r$/, '') ?? '', p.line, p.character, { parsed: doc.parsed(), profile: this.profileOf(doc, p.request) });
    });
    h('outline', (p) => {
      const doc = this.doc(p.uri, p.version);
      return doc ? withLineLengths(boundedOutline(outline(doc.parsed(), doc.lines())), doc.lines()) : [];
    });
    h('profile', (p) => {
      const doc = this.doc(p.uri, p.version);
      if (!doc) throw new Error(`${p.uri} version ${p.version} is not open in the engine`);
      return this.profileOf(doc, p.request, p.ofText);
    });
    h('timeline', (p) => {
      const data = this.rec(p.runId).timeline(p.label);
      const chunks = [];
      const buffers: ArrayBuffer[] = [];
      const n = data.header.eventCount;
      const size = Math.max(1, p.chunkEvents);
      for (let start = 0; start < n; start += size) {
        const count = Math.min(size, n - start);
        const columns = sliceColumns(data.columns, start, count);
        buffers.push(...Object.values(columns));
        chunks.push({ start, count, columns });
      }
      return new Transfer({ header: data.header, chunks, lines: data.lines }, buffers);
    });
    h('eventDetails', (p) => {
      const rec = this.rec(p.runId);
      if (!Number.isInteger(p.index) || p.index < 0 || p.index >= rec.sim.eventCount) return null;
      return eventDetails(rec.sim, p.run, p.index, rec.timelineLines(''));
    });
    h('trace', (p) => {
      const rec = this.rec(p.runId);
      const encoded = encodeTrace(chromeTraceJson(chromeTrace(rec.sim, { source: rec.text, file: rec.run.parsed.file })), p.gzip);
      const bytes = new Uint8Array(encoded); // a buffer of its own, so it can be transferred whole
      return new Transfer(bytes, [bytes.buffer]);
    });
    h('compare', (p) => {
      const cmp = compareScenario(p.text, p.file, p.a, p.b);
      const a = this.register('', 0, 'compare', cmp.a.run, p.text, undefined, 0, 'compare');
      const b = this.register('', 0, 'compare', cmp.b.run, p.text, undefined, 0, 'compare');
      return {
        ...cmp,
        a: { label: cmp.a.label, runId: a.id, eventCount: a.sim.eventCount },
        b: { label: cmp.b.label, runId: b.id, eventCount: b.sim.eventCount },
      };
    });
    h('compareTable', (p) => compareScenarioN(p.text, p.file, p.choices));
    h('vvarPage', (p) => {
      const rec = this.rec(p.runId);
      const at = { state: rec.cursor.state(), profile: rec.run.profile, position: rec.cursor.position, eventCount: rec.sim.eventCount };
      return memoryPageView(p.page, at, p.previous);
    });
    h('vvarPages', (p) => Object.values(this.rec(p.runId).cursor.state().pages)
      .filter((page) => page.blocks.length > 0).map((page) => ({ id: page.id, kind: page.kind, ns: page.ns })));
    h('pageOfTreeRow', (p) => pageOfTreeRow(this.rec(p.runId).cursor.state(), p.rowId));
    h('release', (p) => { for (const id of p.runIds) this.unref(id, 'compare'); });
    h('dapStart', (p) => this.debug.start(p.session));
    h('dapMessage', (p) => this.debug.message(p.session, p.message));
    h('dapEnd', (p) => this.debug.end(p.session));
    // The engine's own heap where the runtime tells it (a node worker's isolate; none in a browser's Web Worker).
    const heapUsed = (): number | undefined => (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process?.memoryUsage?.().heapUsed;
    h('stats', () => {
      const used = heapUsed();
      return { runs: this.runs.size, documents: this.docs.size, sessions: this.sessions.size, debugSessions: this.debug.count, collections: this.giveBack.collections, ...(used === undefined ? {} : { heapMb: used / 2 ** 20 }) };
    });
  }

  // --- Runs -----------------------------------------------------------------------------------------

  /** The document's session if it ran on this text with these overrides and was not cut short by the live cap. */
  async ensureRun(uri: string, version: number, request: RunRequest, source: MoveSource): Promise<RunRecord> {
    const id = this.sessions.get(uri);
    const rec = id === undefined ? undefined : this.runs.get(id);
    if (rec && rec.version === version && rec.request && sameOverrides(rec.request, request) && !(rec.kind === 'validation' && rec.incomplete)) return rec;
    const made = await this.runDocument(uri, version, request, this.nextJob--, 'run', source);
    if (!made) throw new Error(`${uri} changed while it ran; try again`);
    return made;
  }

  /** Runs the document's current text in slices; the finished run becomes its session. Null when cancelled. */
  async runDocument(uri: string, version: number, request: RunRequest, jobId: number, kind: Job['kind'], source: MoveSource): Promise<RunRecord | null> {
    const doc = this.doc(uri, version);
    if (!doc) throw new Error(`${uri} version ${version} is not open in the engine`);
    const previous = this.jobs.get(uri);
    if (previous) previous.cancelled = true;
    const job: Job = { id: jobId, version, kind, cancelled: false };
    this.jobs.set(uri, job);
    this.jobsById.set(jobId, job);
    const parsed = doc.parsed();
    const text = doc.text;
    const t0 = performance.now();
    try {
      const run = await runInSlices(parsed, runOptions(parsed, doc.file, request), job,
        kind === 'run' ? (line) => this.rpc.notify('progress', { job: jobId, line, lines: parsed.tokens.length }) : undefined);
      if (!run || job.cancelled || doc.version !== version) return null;
      const rec = this.register(uri, version, kind, run, text, request, performance.now() - t0);
      // A background run whose text does not run (parse errors) leaves the last good session on screen.
      if (kind === 'run' || run.valid) this.setSession(uri, rec, source);
      return rec;
    } finally {
      if (this.jobs.get(uri) === job) this.jobs.delete(uri);
      this.jobsById.delete(jobId);
    }
  }

  private async validate(uri: string, version: number, request: RunRequest): Promise<RunSummary | null> {
    const doc = this.doc(uri, version);
    if (!doc) return null;
    const id = this.sessions.get(uri);
    const rec = id === undefined ? undefined : this.runs.get(id);
    // A session of this very text stays, whoever made it (a debug launch with overrides keeps its run on screen).
    if (rec && rec.version === version) return rec.summary();
    const busy = this.jobs.get(uri);
    if (busy && busy.version === version && !busy.cancelled) return null;
    const parsed = doc.parsed();
    if (parsed.diagnostics.some((d) => d.severity === 'error')) {
      // Nothing runs: the parse's diagnostics, from a run record that is not kept.
      const run = runParsed(parsed, runOptions(parsed, doc.file, request));
      return new RunRecord(0, uri, version, 'validation', run, doc.text, request, 0).summary();
    }
    const made = await this.runDocument(uri, version, { ...request, maxEvents: Math.min(request.maxEvents ?? LIVE_MAX_EVENTS, LIVE_MAX_EVENTS) }, this.nextJob--, 'validation', 'run');
    return made ? made.summary() : null;
  }

  register(uri: string, version: number, kind: RunSummary['kind'], run: ScenarioRun, text: string, request: RunRequest | undefined, ms: number, ref?: string): RunRecord {
    const rec = new RunRecord(this.nextRun++, uri, version, kind, run, text, request, ms);
    if (ref) rec.refs.add(ref);
    this.runs.set(rec.id, rec);
    rec.cursor.onDidMove(() => {
      if (!this.runs.has(rec.id)) return;
      this.rpc.notify('cursor', rec.view());
      if (this.watched.runId === rec.id) this.pushTrees(rec);
    });
    return rec;
  }

  private setSession(uri: string, rec: RunRecord, source: MoveSource): void {
    const old = this.sessions.get(uri);
    this.sessions.set(uri, rec.id);
    rec.refs.add('session');
    rec.lastSource = source;
    if (old !== undefined && old !== rec.id) {
      // The views that watched the document's old run follow its new one.
      if (this.watched.runId === old) this.watched = { ...this.watched, runId: rec.id };
      this.unref(old, 'session');
    }
    this.rpc.notify('session', { summary: rec.summary(), view: rec.view() });
    if (this.watched.runId === rec.id) this.pushTrees(rec);
    this.debug.rerun(uri, rec.id);
  }

  /** The watched run's trees, as what changed since the last sending when that was of the same run and mode;
   *  a failure is logged, never fatal to the move that caused it. */
  private pushTrees(rec: RunRecord): void {
    try {
      const views: TreeViews = { ...rec.trees(this.watched.mode), seq: ++this.treesSeq };
      const sent = this.sentTrees;
      this.sentTrees = views;
      this.rpc.notify('trees', sent && sent.runId === views.runId && sent.mode === views.mode ? patchOf(sent, views) : views);
    } catch (err) {
      this.rpc.notify('log', { level: 'error', message: `the trees could not show run ${rec.id} at ${rec.cursor.position}: ${err instanceof Error ? err.stack ?? err.message : String(err)}` });
    }
  }

  private dropSession(uri: string): void {
    const id = this.sessions.get(uri);
    if (id === undefined) return;
    this.sessions.delete(uri);
    if (this.watched.runId === id) this.watched = { ...this.watched, runId: null };
    this.unref(id, 'session');
  }

  unref(id: RunId, ref: string): void {
    const rec = this.runs.get(id);
    if (!rec) return;
    rec.refs.delete(ref);
    if (rec.refs.size > 0) return;
    this.runs.delete(id);
    this.giveBack.droppedRun(rec.sim.eventCount);
  }

  rec(id: RunId): RunRecord {
    const rec = this.runs.get(id);
    if (!rec) throw new Error(`run ${id} is gone (the document ran again or was closed)`);
    return rec;
  }

  // --- Documents ------------------------------------------------------------------------------------

  private doc(uri: string, version: number): ScenarioText | undefined {
    const doc = this.docs.get(uri);
    return doc && doc.version === version ? doc : undefined;
  }

  private cancelOlder(uri: string, version: number): void {
    const job = this.jobs.get(uri);
    if (job && job.version < version) job.cancelled = true;
  }

  private currentRun(doc: ScenarioText): ScenarioRun | undefined {
    const id = this.sessions.get(doc.uri);
    const rec = id === undefined ? undefined : this.runs.get(id);
    return rec && rec.version === doc.version ? rec.run : undefined;
  }

  private profileOf(doc: ScenarioText, request: RunRequest, ofText = false): Profile {
    const current = ofText ? undefined : this.currentRun(doc);
    if (current) return current.profile;
    const parsed = doc.parsed();
    return profileFor(parsed, runOptions(parsed, doc.file, request));
  }

  private find(rec: RunRecord, p: EngineRequests['find']['params']): EventBrief[] {
    const sim = rec.sim;
    const limit = p.limit ?? 10_000;
    // Not pushed with a spread: a function on many stacks finds more events than a call may take arguments.
    let indices: number[] = [];
    if (p.functions) indices = eventsForFunctions(sim, p.functions);
    else for (let i = 0; i < sim.eventCount && indices.length < limit; i++) if (!p.kind || sim.kindOf(i) === p.kind) indices.push(i);
    // Read from the event columns: building each event would build its changes too, which a brief leaves out.
    return indices.slice(0, limit).map((index) => {
      return { index, kind: sim.kindOf(index), fn: sim.fnOf(index), line: sim.lineOf(index), task: sim.taskOf(index), summary: sim.summaryOf(index) };
    });
  }
}

/** What changed from the trees sent as `before` to `after` (same run and mode). */
function patchOf(before: TreeViews, after: TreeViews): TreesPatch {
  const patches = Object.fromEntries(TREE_KEYS.map((k) => [k, diffTree(before[k], after[k])])) as Record<(typeof TREE_KEYS)[number], TreePatch>;
  return { runId: after.runId, position: after.position, mode: after.mode, seq: after.seq, base: before.seq, patches };
}
