// The texts of the event log: interned strings, the kernel call stacks as a trie, and summaries kept as a
// template and its values, formatted only when an event is read (building one string per event was the
// largest cost of recording).

import { oneLine } from '../oneLine';
import { fmtTs, type Timespec } from '../types';
import { NumCol, ValCol } from './columns';

/** A value of a summary template (Texts.summary): shown as a template literal would show it, except a
 *  Timespec, which is shown as fmtTs shows it. */
export type SummaryArg = string | number | boolean | null | undefined | Timespec;
// Kinds of the stored summary arguments; a Timespec takes two slots (sec, then nsec).
const A_TEMPLATE = 0, A_STR = 1, A_NUM = 2, A_TS = 3, A_TRUE = 4, A_FALSE = 5, A_NULL = 6, A_UNDEF = 7;

/** Flatten a rope string (V8 keeps concatenations as trees until something needs the characters). */
function flat(s: string): string {
  void s.charCodeAt(0);
  return s;
}


/** The template of a summary that is one string, as it came. */
const ONE_STRING = ((s: TemplateStringsArray, ..._values: unknown[]): TemplateStringsArray => s)`${''}`;

export class Texts {
  private strings: string[] = [];
  private stringIds = new Map<string, number>();
  // Stack trie: node 0 is the empty stack.
  private stackParent: number[] = [-1];
  protected stackFn: number[] = [-1];
  protected stackDepth: number[] = [0];
  /** Children of each stack node by function name (small maps: no interning on the hot path). */
  private stackChildren: Map<string, number>[] = [new Map()];
  private stackCache: (readonly string[] | undefined)[] = [];
  private callSummary: number[] = [];
  private returnSummary: number[] = [];
  private templates: TemplateStringsArray[] = [];
  private templateIds = new Map<TemplateStringsArray, number>();
  private constIds = new Map<TemplateStringsArray, number>();
  private an = 0;
  private argKind = new NumCol(Int32Array);
  /** Float64: a value may be any safe integer (an inum passes 2^31). */
  private argVal = new NumCol(Float64Array);
  /** String values of summaries, by reference (their val is the index here): no hashing when recording. */
  private argStr = new ValCol<string>();
  private sn = 0;

  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }
  /** A summary that is `s` itself, which is unlikely to repeat: kept with the summaries' values, unhashed. */
  unique(s: string): number {
    return this.summary(ONE_STRING, s.length > 12 ? flat(s) : s);
  }
  str(id: number): string {
    return this.strings[id];
  }

  /** A tag for template literals: records the template and its values and returns a summary id for an event,
   *  whose text is what the template literal would give (see SummaryArg). */
  summary(strings: TemplateStringsArray, ...values: SummaryArg[]): number {
    // A template without values is constant text: one interned string, no argument slots.
    if (values.length === 0) {
      let c = this.constIds.get(strings);
      if (c === undefined) this.constIds.set(strings, (c = this.intern(strings[0])));
      return c;
    }
    let t = this.templateIds.get(strings);
    if (t === undefined) {
      t = this.templates.length;
      this.templates.push(strings);
      this.templateIds.set(strings, t);
    }
    const p = this.an;
    const kind = this.argKind;
    const val = this.argVal;
    kind.set(p, A_TEMPLATE);
    val.set(p, t);
    let q = p + 1;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      switch (typeof v) {
        case 'string':
          kind.set(q, A_STR);
          this.argStr.set(this.sn, v);
          val.set(q++, this.sn++);
          break;
        case 'number':
          kind.set(q, A_NUM);
          val.set(q++, v);
          break;
        case 'boolean':
          kind.set(q++, v ? A_TRUE : A_FALSE);
          break;
        case 'undefined':
          kind.set(q++, A_UNDEF);
          break;
        default:
          if (v === null) {
            kind.set(q++, A_NULL);
          } else {
            kind.set(q, A_TS);
            val.set(q++, v.sec);
            val.set(q++, v.nsec);
          }
      }
    }
    this.an = q;
    return -p - 1;
  }

  /** The text of a summary id: an interned string (id >= 0) or a template with its values. */
  summaryText(id: number): string {
    if (id >= 0) return this.strings[id];
    const p = -id - 1;
    const strings = this.templates[this.argVal.get(p)];
    let out = strings[0];
    let q = p + 1;
    for (let j = 1; j < strings.length; j++) {
      const k = this.argKind.get(q);
      const v = this.argVal.get(q++);
      switch (k) {
        case A_STR: out += oneLine(this.argStr.get(v)); break;
        case A_NUM: out += String(v); break;
        case A_TS: out += fmtTs({ sec: v, nsec: this.argVal.get(q++) }); break;
        case A_TRUE: out += 'true'; break;
        case A_FALSE: out += 'false'; break;
        case A_NULL: out += 'null'; break;
        default: out += 'undefined'; break;
      }
      out += strings[j];
    }
    return out;
  }

  /** Forget the values of every summary made so far (a streaming log keeps only the current step's). */
  protected clearSummaries(): void {
    this.an = 0;
    this.sn = 0;
    this.argKind.clear();
    this.argVal.clear();
    this.argStr.clear();
  }

  /** The stack node for `parent` extended by function `fn`. */
  pushStack(parent: number, fn: string): number {
    const children = this.stackChildren[parent];
    let id = children.get(fn);
    if (id === undefined) {
      id = this.stackParent.length;
      this.stackParent.push(parent);
      this.stackFn.push(this.intern(fn));
      this.stackDepth.push(this.stackDepth[parent] + 1);
      this.stackChildren.push(new Map());
      children.set(fn, id);
    }
    return id;
  }
  /** Interned default summaries of a call / return of the function on top of stack `id`. */
  callSummaryId(id: number): number {
    let v = this.callSummary[id];
    if (v === undefined) v = this.callSummary[id] = this.intern(`${this.stackTop(id)}()`);
    return v;
  }
  returnSummaryId(id: number): number {
    let v = this.returnSummary[id];
    if (v === undefined) v = this.returnSummary[id] = this.intern(`${this.stackTop(id)} returns`);
    return v;
  }
  /** How many stacks there are (ids 0..stackCount-1). */
  get stackCount(): number {
    return this.stackParent.length;
  }
  stackParentOf(id: number): number {
    return this.stackParent[id];
  }
  stackTop(id: number): string {
    return id === 0 ? '' : this.strings[this.stackFn[id]];
  }
  stackFrames(id: number): readonly string[] {
    let c = this.stackCache[id];
    if (!c) {
      const out: string[] = [];
      for (let s = id; s > 0; s = this.stackParent[s]) out.push(this.strings[this.stackFn[s]]);
      c = Object.freeze(out.reverse());
      this.stackCache[id] = c;
    }
    return c;
  }
}
