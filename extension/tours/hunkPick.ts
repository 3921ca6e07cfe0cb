// What the quick pick of "hunks for an event" lists: each hunk as a line of text, and at most PICK_LIMIT of them
// for what the user has typed so far. VS Code took about ten seconds to show a pick of 21,796 items (an event
// half of a 50 MB mailbox's patches touch); typing narrows the list here, over every hunk, before VS Code sees it.
import type { HunkRef } from './links';

export const PICK_LIMIT = 500;

export interface HunkPickItem {
  readonly label: string;
  readonly description: string;
  readonly ref: HunkRef;
}

export function hunkPickItem(ref: HunkRef): HunkPickItem {
  return { label: `${ref.patch.subjectInfo.tag} ${ref.header}`, description: ref.functions.join(', '), ref };
}

/** The items whose label or description holds every word typed (any case), the first `limit` of them, and how many matched in all. */
export function hunkPickItems(all: readonly HunkPickItem[], typed: string, limit = PICK_LIMIT): { items: HunkPickItem[]; matched: number } {
  const words = typed.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return { items: all.slice(0, limit), matched: all.length };
  const items: HunkPickItem[] = [];
  let matched = 0;
  for (const item of all) {
    const text = `${item.label} ${item.description}`.toLowerCase();
    if (!words.every((w) => text.includes(w))) continue;
    matched++;
    if (items.length < limit) items.push(item);
  }
  return { items, matched };
}
