// Every message between the extension host and the read-only vvar page view, declared once with its direction
// and payload, plus the check the host runs on what the webview sends. Pure TypeScript: no DOM, no Node, no vscode.

/** One decoded field of the page (see extension/debug/vvarMemory.ts), and whether the last move changed it. */
export interface MemoryField {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly type: string;
  readonly value: string;
  readonly note: string;
  readonly role: 'seq' | 'clock_mode' | 'clocksource' | 'time' | 'tz';
  readonly changed: boolean;
}

/** The page at the cursor, or why there is none there. */
export interface MemoryPageView {
  /** `page#ns#1`. */
  readonly title: string;
  /** What the page is and where the cursor stands: `time namespace page of ns#1 · x86_64 6.18 · event 40 of 120`. */
  readonly subtitle: string;
  /** The kernel structure of the blocks at this version. */
  readonly struct: string;
  readonly blockOffset: number;
  /** The whole page (PAGE_SIZE bytes: 4096, or 16K or 64K on such arm64 machines); empty when the page does not exist at the cursor. */
  readonly bytes: readonly number[];
  /** Offsets of the bytes the last move of the cursor changed. */
  readonly changed: readonly number[];
  readonly fields: readonly MemoryField[];
  /** Set when there is no page to show at the cursor: the reason, for the user. */
  readonly missing?: string;
}

/** Host → webview. */
export type HostToMemory = { readonly type: 'page'; readonly page: MemoryPageView };

/** Webview → host: the script is up and wants the page. */
export type MemoryToHost = { readonly type: 'ready' };

export function isMemoryToHost(raw: unknown): raw is MemoryToHost {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'ready';
}
