// The engine's copy of each open scenario document: its text, kept in step with the editor's edits, and the
// parse of that text (once per version), which every language feature and run of the version shares.
import type { ParsedScenario, RunOptions } from '../scenario/api';
import { parseScenario, splitLines } from '../scenario/index';
import type { RunRequest } from './protocol';

export class ScenarioText {
  private parse: { version: number; parsed: ParsedScenario } | undefined;
  private split: { version: number; lines: string[] } | undefined;

  constructor(readonly uri: string, readonly file: string, public version: number, public text: string) {}

  /** Applies edits in the order VS Code reports them (each offset is into the text as the previous left it). */
  apply(version: number, edits: readonly { offset: number; length: number; text: string }[], length: number): boolean {
    let text = this.text;
    for (const e of edits) {
      if (e.offset < 0 || e.offset + e.length > text.length) return false;
      text = text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
    }
    if (text.length !== length) return false;
    this.text = text;
    this.version = version;
    return true;
  }

  parsed(): ParsedScenario {
    if (this.parse?.version !== this.version) this.parse = { version: this.version, parsed: parseScenario(this.text, this.file) };
    return this.parse.parsed;
  }

  lines(): string[] {
    if (this.split?.version !== this.version) this.split = { version: this.version, lines: splitLines(this.text) };
    return this.split.lines;
  }
}

/**
 * Texts that come in parts: the host sends a large document a few thousand lines at a time, so that it never
 * builds and copies the whole text in one go (that blocked the extension host for 100-200 ms at 10^6 events).
 * Requests about a document wait until its last part is in (`ready`).
 */
export class TextsInParts {
  private readonly pending = new Map<string, { version: number; file: string; chunks: string[]; ready: Promise<void>; resolve: () => void }>();

  /** How many texts are on their way. */
  get size(): number {
    return this.pending.size;
  }

  /** The first part of `version`; a newer first part starts the text again. */
  begin(uri: string, version: number, file: string, text: string): void {
    const p = this.pending.get(uri);
    if (p) { Object.assign(p, { version, file, chunks: [text] }); return; }
    let resolve!: () => void;
    const ready = new Promise<void>((r) => { resolve = r; });
    this.pending.set(uri, { version, file, chunks: [text], ready, resolve });
  }

  /** A further part; with the last one, the whole text (the caller registers it, then calls `end`). */
  add(uri: string, version: number, text: string, last: boolean): { file: string; text: string } | undefined {
    const p = this.pending.get(uri);
    if (!p || p.version !== version) return undefined; // a part of a text that was started again
    p.chunks.push(text);
    return last ? { file: p.file, text: p.chunks.join('') } : undefined;
  }

  /** The document is whole (or closed): the requests that waited go on. */
  end(uri: string): void {
    const p = this.pending.get(uri);
    this.pending.delete(uri);
    p?.resolve();
  }

  /** Resolves when the document's text is whole; undefined when it is not coming in parts. */
  ready(uri: string): Promise<void> | undefined {
    return this.pending.get(uri)?.ready;
  }
}

/** The run options of a request: header lines win over the settings, overrides win over both. */
export function runOptions(parsed: ParsedScenario, file: string, request: RunRequest): RunOptions {
  const o = request.overrides ?? {};
  return {
    file,
    ...(parsed.header.arch ? {} : { arch: request.defaults.arch }),
    ...(parsed.header.kernel ? {} : { kernel: request.defaults.kernel }),
    ...(o.arch ? { arch: o.arch } : {}),
    ...(o.kernel ? { kernel: o.kernel } : {}),
    ...(o.disabledPatches ? { disabledPatches: o.disabledPatches } : {}),
    ...(o.design ? { design: o.design } : {}),
    ...(request.maxEvents !== undefined ? { maxEvents: request.maxEvents } : {}),
  };
}

/** Whether two requests ask for the same run (the same overrides; limits aside). */
export function sameOverrides(a: RunRequest, b: RunRequest): boolean {
  const x = a.overrides ?? {};
  const y = b.overrides ?? {};
  return x.arch === y.arch && x.kernel === y.kernel && (x.disabledPatches ?? []).join() === (y.disabledPatches ?? []).join() && x.design === y.design
    && a.defaults.arch === b.defaults.arch && a.defaults.kernel === b.defaults.kernel;
}
