// What the read-only vvar page view shows for a page at a cursor position: the decoded page, the bytes and
// fields the last move changed, or why there is no page there. No 'vscode' import: the unit tests load it.
import { decodePage } from './vvarMemory';
import { describePhysPage, profileLabel } from '../scenario/editor/format';
import type { KernelState, MmState } from '../sim/api';
import type { Profile } from '../sim/types';
import type { MemoryPageView } from '../../webview/memoryProtocol';

export interface PageCursor {
  readonly state: KernelState;
  readonly profile: Profile;
  readonly position: number;
  readonly eventCount: number;
}

/** The view of `pageId` at the cursor; `previous` (the view shown before) marks what changed since. */
export function memoryPageView(pageId: string, at: PageCursor, previous?: MemoryPageView): MemoryPageView {
  const where = `${profileLabel(at.profile)} · event ${at.position} of ${at.eventCount}`;
  // own entries only: a page id of 'constructor' or '__proto__' found Object's members
  const page = Object.hasOwn(at.state.pages, pageId) ? at.state.pages[pageId] : undefined;
  if (!page || page.blocks.length === 0) {
    const missing = !page
      ? `${pageId} does not exist at event ${at.position}: step forward to where it is allocated.`
      : `${pageId} is the ${describePhysPage(pageId, page)}: it holds no vdso_data blocks to decode.`;
    return { title: pageId, subtitle: where, struct: '', blockOffset: 0, bytes: [], changed: [], fields: [], missing };
  }
  const decoded = decodePage(page, at.profile);
  const bytes = Array.from(decoded.bytes);
  const before = previous && previous.bytes.length === bytes.length ? previous.bytes : undefined;
  const changed = before ? bytes.flatMap((b, i) => (b !== before[i] ? [i] : [])) : [];
  const oldValues = new Map(previous?.fields.map((f) => [f.name, f.value]));
  return {
    title: pageId,
    subtitle: `${describePhysPage(pageId, page)} · ${where}`,
    struct: decoded.struct,
    blockOffset: decoded.blockOffset,
    bytes,
    changed,
    fields: decoded.fields.map((f) => ({ ...f, changed: before !== undefined && oldValues.has(f.name) && oldValues.get(f.name) !== f.value })),
  };
}

/** The physical page a Memory tree row (`pte:<mm>:<mapping>:<pgoff>`) maps at this state, or why none. */
export function pageOfTreeRow(state: KernelState, rowId: string): { page: string } | { problem: string } {
  const m = /^pte:([^:]+):(.+):(\d+)$/.exec(rowId);
  if (!m) return { problem: 'pick a page-table entry of a [vvar] mapping in the Memory view' };
  const mm: MmState | undefined = state.mms[m[1]!];
  const pgoff = Number(m[3]);
  const vma = mm?.vmas.find((v) => v.name === m[2] && pgoff >= v.pgoff && pgoff < v.pgoff + v.pages);
  if (!vma) return { problem: `${m[2]} page ${pgoff} is not mapped in ${m[1]} at the cursor` };
  const pte = vma.ptes[pgoff - vma.pgoff];
  if (!pte) return { problem: `${m[2]} page ${pgoff} of ${m[1]} has no page-table entry yet: the next access faults it in` };
  return { page: pte.page };
}
