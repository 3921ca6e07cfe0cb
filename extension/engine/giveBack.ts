// Gives the engine's memory back once it has dropped a large run or text: V8 collects a worker's heap only when
// the worker next allocates, so an idle engine kept a closed 10^6-event scenario's 100 MB in the extension host's
// process, where every process the host spawns (git's, on each open) copies its page tables.
export interface EngineOptions {
  /** A full collection of the engine's heap (heapCollection.ts in a Node worker; none in a browser), settled once
   *  it has run. */
  readonly collect?: () => void | Promise<void>;
  /** How long the engine must have been idle since the last drop; tests make it short. */
  readonly collectAfterMs?: number;
}

/** Events of dropped runs, or characters of dropped texts, worth a collection (a 10^5-event run holds tens of MB). */
export const COLLECT_AFTER_EVENTS = 50_000;
export const COLLECT_AFTER_CHARS = 2_000_000;
/** A drop often comes with a new run (an edit, a new version): the collection waits until the work is over. */
const COLLECT_AFTER_MS = 2000;

export class GiveBack {
  private events = 0;
  private chars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** How many collections have run to their end (the engine's stats). */
  collections = 0;

  constructor(private readonly options: EngineOptions, private readonly busy: () => boolean) {}

  droppedRun(events: number): void {
    this.events += events;
    this.schedule();
  }

  droppedText(chars: number): void {
    this.chars += chars;
    this.schedule();
  }

  private schedule(): void {
    if (!this.options.collect || (this.events < COLLECT_AFTER_EVENTS && this.chars < COLLECT_AFTER_CHARS)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.collectIfIdle(), this.options.collectAfterMs ?? COLLECT_AFTER_MS);
    // Not a reason to keep a process alive (the engine's own port is).
    (this.timer as { unref?: () => void }).unref?.();
  }

  private collectIfIdle(): void {
    this.timer = undefined;
    if (this.busy()) {
      this.schedule();
      return;
    }
    this.events = 0;
    this.chars = 0;
    // Counted when it has run: V8 makes the collection in a later task, and a count taken before it said a heap
    // had been given back that was still held.
    void Promise.resolve(this.options.collect?.()).then(() => { this.collections++; }, () => { this.collections++; });
  }
}
