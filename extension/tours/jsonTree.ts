// Positions in JSON text: one pass that walks the text as JSON.parse reads it and reports where each value
// (and its key) starts, by JSON path, so a validator working on the parsed value can name the line and
// column of each problem without searching the text again per problem. Also says where and why a text
// that JSON.parse refuses goes wrong. No recursion and no tree: hostile nesting and size stay cheap.

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** 1-based line and column of character offsets of one text (a table of line starts, binary search). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

export type JsonPath = readonly (string | number)[];

/** 'steps[2].hunk.pattern' */
export function pathText(path: JsonPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;
const ESCAPES = '"\\/bfnrt';

type Frame = { array: boolean; filled: boolean; index: number };

/**
 * Walks `text` as JSON and calls `onValue(path, valueOffset, keyOffset)` at the start of every value (the key
 * offset is -1 for array items and the root). `path` is the walker's own stack: copy it to keep it. Throws
 * JsonSyntaxError where the text stops being JSON; `maxDepth` bounds nesting.
 */
export function walkJson(text: string, onValue: (path: JsonPath, at: number, keyAt: number) => void, maxDepth = 64): void {
  let i = 0;
  const frames: Frame[] = [];
  const path: (string | number)[] = [];
  const fail = (message: string, at = i): never => { throw new JsonSyntaxError(message, at); };
  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const what = () => (i >= text.length ? 'the end of the text' : `"${text[i]}"`);
  /** Skips a string; returns its value only when asked (keys), so values cost no allocation. */
  const string = (keep: boolean): string => {
    const start = i;
    i++;
    let out = '';
    let from = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) { if (keep) out += text.slice(from, i); i++; return out; }
      if (c < 0x20) fail('a control character inside a string (write it as an escape such as \\n)');
      if (c !== 0x5c) { i++; continue; }
      if (keep) out += text.slice(from, i);
      const e = text[i + 1];
      if (e !== undefined && ESCAPES.includes(e)) {
        if (keep) out += JSON.parse(`"\\${e}"`) as string;
        i += 2;
      } else if (e === 'u') {
        HEX4.lastIndex = i + 2;
        if (!HEX4.test(text)) fail('bad \\u escape in a string');
        if (keep) out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
      } else fail(`bad escape "\\${e ?? ''}" in a string`);
      from = i;
    }
  };
  const scalar = () => {
    if (text[i] === '"') { string(false); return; }
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, i)) { i += word.length; return; }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m) { i += m[0].length; return; }
    fail(`expected a value, found ${what()}`);
  };

  // Each turn closes the innermost container or starts one value (opening a container counts as starting).
  let keyAt = -1;
  do {
    ws();
    const top = frames[frames.length - 1];
    keyAt = -1;
    if (top) {
      const closer = top.array ? ']' : '}';
      if (text[i] === closer) {
        frames.pop();
        path.pop();
        i++;
        const parent = frames[frames.length - 1];
        if (parent) parent.filled = true;
        continue;
      }
      if (top.filled) {
        if (text[i] !== ',') fail(`expected "," or "${closer}" after ${top.array ? 'an array item' : 'a property'}, found ${what()}`);
        i++;
        ws();
      }
      if (top.array) path[path.length - 1] = top.index++;
      else {
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${what()}`);
        keyAt = i;
        path[path.length - 1] = string(true);
        ws();
        if (text[i] !== ':') fail(`expected ":" after the property name, found ${what()}`);
        i++;
        ws();
      }
    }
    // The path while the value is read: the container frames carry one slot each (the root none).
    const valuePath = top ? path : [];
    onValue(valuePath, i, keyAt);
    const c = text[i];
    if (c === '{' || c === '[') {
      if (frames.length >= maxDepth) fail(`values nested more than ${maxDepth} deep`);
      frames.push({ array: c === '[', filled: false, index: 0 });
      path.push(0);
      i++;
      continue;
    }
    scalar();
    if (top) top.filled = true;
  } while (frames.length > 0);
  ws();
  if (i < text.length) fail(`unexpected ${what()} after the end of the JSON value`);
}
