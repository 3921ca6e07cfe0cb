// The events by the objects and fields their changes show (the `obj` and `field` event(i).changes lists), kept as
// the changes are recorded, so "the last event before the cursor that changed X" is a binary search per field of X,
// not a walk back over the events building each one's changes (seconds at 10^6 events).

export class ChangeIndex {
  /** For each object, each field its changes show and the events that show it (ascending, each once), in turn:
   *  [field, events, field, events, …], where one event is kept as the number itself. One small array per object,
   *  searched in order (an object has a few fields, and names are compared by reference first): a Map per object
   *  and an array per field made recording a fork a fifth slower and a third larger. */
  private readonly byObj = new Map<string, (string | Events)[]>();

  /** Event `event` shows a change of `field` of `obj` (events come in order: a later one never precedes). */
  add(event: number, obj: string, field: string): void {
    const fields = this.byObj.get(obj);
    if (fields === undefined) {
      this.byObj.set(obj, [field, event]);
      return;
    }
    for (let k = 0; k < fields.length; k += 2) {
      if (fields[k] === field) {
        fields[k + 1] = withEvent(fields[k + 1] as Events, event);
        return;
      }
    }
    fields.push(field, event);
  }

  /**
   * The last event before `before` whose changes show `obj`; with `field`, the last whose changes show that field
   * or a `field.` part of it, else the last showing `obj` at all; null for none.
   */
  last(before: number, obj: string, field?: string): number | null {
    const { any, hit } = this.lastParts(before, obj, field);
    if (hit >= 0) return hit;
    return any >= 0 ? any : null;
  }

  /** The last event before `before` showing `obj` (any) and the last showing `field` or a part of it (hit); -1 for none. */
  lastParts(before: number, obj: string, field?: string): { any: number; hit: number } {
    const fields = this.byObj.get(obj);
    let any = -1;
    let hit = -1;
    if (fields === undefined) return { any, hit };
    const part = field ? `${field}.` : '';
    for (let k = 0; k < fields.length; k += 2) {
      const f = fields[k] as string;
      const i = lastBelow(fields[k + 1] as Events, before);
      if (i > any) any = i;
      if (field && i > hit && (f === field || f.startsWith(part))) hit = i;
    }
    return { any, hit };
  }

  /** The events before `before` that show `field` of `obj` itself, latest first. */
  *eventsBelow(before: number, obj: string, field: string): Generator<number> {
    const fields = this.byObj.get(obj);
    if (fields === undefined) return;
    for (let k = 0; k < fields.length; k += 2) {
      if (fields[k] !== field) continue;
      const events = fields[k + 1] as Events;
      if (typeof events === 'number') {
        if (events < before) yield events;
        return;
      }
      for (let j = countBelow(events, before) - 1; j >= 0; j--) yield events[j];
      return;
    }
  }

  clear(): void {
    this.byObj.clear();
  }
}

/** The events of a field: one, or several ascending. */
type Events = number | number[];

/** Short lists are copied to their exact length: a push leaves room for some 16 more, which most never use. */
const SHORT = 8;

/** `events` with `event` after them (once). */
function withEvent(events: Events, event: number): Events {
  if (typeof events === 'number') return events === event ? events : [events, event];
  if (events[events.length - 1] === event) return events;
  if (events.length >= SHORT) {
    events.push(event);
    return events;
  }
  return events.concat(event);
}

/** The greatest event of `events` below `before`, or -1. */
function lastBelow(events: Events, before: number): number {
  if (typeof events === 'number') return events < before ? events : -1;
  const k = countBelow(events, before);
  return k > 0 ? events[k - 1] : -1;
}

/** How many elements of ascending `list` are below `before`. */
export function countBelow(list: readonly number[], before: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < before) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
