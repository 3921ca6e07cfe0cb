// Checks a parsed JSON value against a JSON Schema (the draft-07 keywords the tour schema uses: type, enum, required,
// properties, additionalProperties, items, minLength, minimum, pattern, uniqueItems, anyOf of required
// sets, dependencies, $ref into definitions). The schema file stays the one home of the tour format: the
// editor validates tours with it, and so does the player, through this. Each problem carries the JSON path
// of the value (or key) it is about; jsonTree.ts finds where those are in the text. Linear in the value.
import type { JsonPath } from './jsonTree';

export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly pattern?: string;
  readonly uniqueItems?: boolean;
  readonly anyOf?: readonly Schema[];
  readonly dependencies?: Readonly<Record<string, readonly string[]>>;
  readonly definitions?: Readonly<Record<string, Schema>>;
}

export interface SchemaProblem {
  readonly path: JsonPath;
  /** Whether the problem is the property name (an unknown key) rather than its value. */
  readonly atKey: boolean;
  readonly message: string;
}

type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

function kindOf(v: unknown): Kind {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'object' ? 'object' : t === 'string' ? 'string' : t === 'number' ? 'number' : 'boolean';
}

function typeOf(v: unknown): string {
  return typeof v === 'number' && Number.isInteger(v) ? 'integer' : kindOf(v);
}

function typeMatches(v: unknown, t: string): boolean {
  const k = kindOf(v);
  return t === k || (t === 'integer' && k === 'number' && Number.isInteger(v));
}

const A: Record<string, string> = { object: 'an object', array: 'an array', string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false', null: 'null' };

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function list(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** Validates `root` against `schema`; stops after `limit` problems. */
export function checkSchema(root: unknown, schema: Schema, limit = 200): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const resolve = (s: Schema): Schema => {
    if (!s.$ref) return s;
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
    const target = m ? schema.definitions?.[m[1]] : undefined;
    if (!target) throw new Error(`schema: cannot resolve ${s.$ref}`);
    return target;
  };
  const report = (path: JsonPath, message: string, atKey = false) => {
    if (out.length < limit) out.push({ path, atKey, message });
  };
  const name = (path: JsonPath) => {
    const last = path[path.length - 1];
    return last === undefined ? 'the tour' : typeof last === 'number' ? `item ${last + 1} of "${String(path[path.length - 2] ?? '')}"` : `"${last}"`;
  };

  // An explicit work list (a schema can nest as deep as the value). Pushed in reverse: problems come in document order.
  const work: { value: unknown; schema: Schema; path: JsonPath }[] = [{ value: root, schema, path: [] }];
  while (work.length > 0 && out.length < limit) {
    const item = work.pop()!;
    const { value, path } = item;
    const s = resolve(item.schema);
    const what = name(path);
    if (s.type !== undefined) {
      const types = typeof s.type === 'string' ? [s.type] : s.type;
      if (!types.some((t) => typeMatches(value, t))) {
        report(path, `${what} must be ${types.map((t) => A[t] ?? t).join(' or ')}, not ${A[typeOf(value)]}`);
        continue;
      }
    }
    if (s.enum !== undefined && !s.enum.includes(value)) report(path, `${what}: unknown value ${isScalar(value) ? JSON.stringify(value) : A[kindOf(value)]} (expected ${list(s.enum)})`);
    if (typeof value === 'string') {
      if (s.minLength !== undefined && value.length < s.minLength) report(path, `${what} must not be empty`);
      if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) report(path, `${what} must match /${s.pattern}/`);
    }
    if (typeof value === 'number' && s.minimum !== undefined && value < s.minimum) report(path, `${what} must be at least ${s.minimum}`);
    if (Array.isArray(value)) {
      if (s.uniqueItems) {
        const seen = new Set<unknown>();
        value.forEach((v, k) => {
          if (!isScalar(v)) return;
          if (seen.has(v)) report([...path, k], `${what} lists ${JSON.stringify(v)} twice`);
          seen.add(v);
        });
      }
      if (s.items) for (let k = value.length - 1; k >= 0; k--) work.push({ value: value[k], schema: s.items, path: [...path, k] });
    } else if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      const has = (k: string) => Object.prototype.hasOwnProperty.call(o, k);
      for (const r of s.required ?? []) if (!has(r)) report(path, `${what} needs "${r}"`);
      if (s.anyOf && s.anyOf.every((alt) => alt.required) && !s.anyOf.some((alt) => alt.required!.every(has))) {
        report(path, `${what} needs ${s.anyOf.map((alt) => alt.required!.map((r) => `"${r}"`).join(' and ')).join(', ').replace(/, ([^,]*)$/, ' or $1')}`);
      }
      for (const [key, needs] of Object.entries(s.dependencies ?? {})) {
        if (has(key)) for (const n of needs) if (!has(n)) report([...path, key], `"${key}" needs "${n}" in the same ${path.length === 0 ? 'tour' : 'step'}`, true);
      }
      const props = s.properties ?? {};
      const keys = Object.keys(o);
      for (let k = keys.length - 1; k >= 0; k--) {
        const key = keys[k];
        const sub = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
        if (sub) work.push({ value: o[key], schema: sub, path: [...path, key] });
        else if (s.additionalProperties === false) report([...path, key], `unknown property "${key}" (expected one of ${Object.keys(props).join(', ')})`, true);
      }
    }
  }
  return out;
}
