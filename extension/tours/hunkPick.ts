// What the quick pick of "hunks for an event" lists: each hunk as a line of text, and at most PICK_LIMIT of them
// for what the user has typed so far. VS Code took about ten seconds to show a pick of 21,796 items (an event
// half of a 50 MB mailbox's patches touch); typing narrows the list here, over every hunk, before VS Code sees it.
import type { HunkRef } from './links';

/** A pick shows about a dozen rows; VS Code's items setter on the host took 25-100 ms for 500 items, at the pick's
 *  opening and at each keystroke that narrows it. */
export const PICK_LIMIT = 100;

export interface HunkPickItem {
  readonly label: string;
  readonly description: string;
  readonly ref: HunkRef;
}

export function hunkPickItem(ref: HunkRef): HunkPickItem {
  return { label: `${ref.patch.subjectInfo.tag} ${ref.header}`, description: ref.functions.join(', '), ref };
}

/**
 * The found hunks as the pick lists them. Items are made for the hunks shown only, and the text words are matched
 * against when the user first types: making all 21,796 up front took 13 ms of the host before the pick opened.
 */
export class HunkPickList {
  private lowered: string[] | null = null;

  constructor(private readonly found: readonly HunkRef[]) {}

  /** The items whose label or description holds every word typed (any case), the first `limit` of them, and how many matched in all. */
  show(typed: string, limit = PICK_LIMIT): { items: HunkPickItem[]; matched: number } {
    const words = typed.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
    const found = this.found;
    if (words.length === 0) return { items: found.slice(0, limit).map(hunkPickItem), matched: found.length };
    const lowered = this.lowered ??= found.map((ref) => { const i = hunkPickItem(ref); return `${i.label} ${i.description}`.toLowerCase(); });
    const items: HunkPickItem[] = [];
    let matched = 0;
    for (let k = 0; k < found.length; k++) {
      if (!words.every((w) => lowered[k]!.includes(w))) continue;
      matched++;
      if (items.length < limit) items.push(hunkPickItem(found[k]!));
    }
    return { items, matched };
  }
}
