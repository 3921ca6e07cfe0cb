// Pass 1 of a `config` header line: kernel build options that differ from the default (sim/config.ts), written
// as in a .config: `config CONFIG_TIME_NS=n` (the CONFIG_ prefix may be left out).

import { CONFIG_KEYS, type KernelConfig } from '../sim/config';
import { replaceFixes, type LineParser } from './cursor';
import type { Lexeme } from './lexer';
import { K } from './tokens';
import { closest } from './vocabulary';

/** The Kconfig name of a word: `CONFIG_TIME_NS` and `TIME_NS` are both TIME_NS. */
export function configKey(word: string): string | null {
  const name = word.startsWith('CONFIG_') ? word.slice(7) : word;
  return Object.hasOwn(CONFIG_KEYS, name) ? name : null;
}

export function readConfig(p: LineParser, rest: readonly Lexeme[]): void {
  const ctx = p.ctx;
  const keys = Object.keys(CONFIG_KEYS).map((k) => `CONFIG_${k}`);
  if (!rest.length) p.error(p.endRange(), 'syntax', `Which option? ${keys.map((k) => `${k}=n`).join(', ')}`, [{ title: 'CONFIG_TIME_NS=n', range: p.endRange(), newText: ' CONFIG_TIME_NS=n' }]);
  const c: Record<string, unknown> = { ...ctx.header.config };
  for (let i = 0; i < rest.length; i += 3) {
    const k = rest[i];
    const eq = rest[i + 1];
    const v = rest[i + 2];
    const name = configKey(k.text);
    if (!name) {
      const near = closest(k.text, keys);
      p.error(p.r(k), 'unknown-config', `The model has no kernel option '${k.text}': it knows ${keys.join(', ')}`, replaceFixes(p.r(k), near.length ? near : keys, ''));
    }
    k.code = K.keyword;
    if (!eq || eq.text !== '=' || !v || v.t !== 'ident' || eq.start !== k.end || v.start !== eq.end) {
      p.error(eq ? p.r(eq) : p.endRange(), 'syntax', `Write ${k.text}=y or ${k.text}=n, without spaces`);
    }
    v.code = K.keyword;
    if (v.text !== 'y' && v.text !== 'n') p.error(p.r(v), 'bad-config-value', `${k.text} is y or n, not '${v.text}'`, replaceFixes(p.r(v), ['y', 'n'], ''));
    c[CONFIG_KEYS[name].field] = v.text === 'y';
  }
  ctx.header.config = c as Partial<KernelConfig>;
}
