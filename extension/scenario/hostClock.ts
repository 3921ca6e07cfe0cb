// Pass 1 of the timekeeping host actions (issue 13 "mechanisms"): `clocksource NAME`.

import type { Operation } from '../sim/ops';
import { CLOCKSOURCES } from '../sim/kernel/time/clocksource';
import { replaceFixes, type LineParser } from './cursor';
import { K } from './tokens';
import { closest } from './vocabulary';

/** `clocksource hpet` (p after the word; `paren`: written as a call, `clocksource(hpet)`). */
export function readClocksource(p: LineParser, paren: boolean): Operation {
  const names = Object.keys(CLOCKSOURCES);
  const first = p.next();
  if (!first) p.error(p.endRange(), 'syntax', `Which clocksource? ${names.join(', ')}`, [{ title: 'hpet', range: p.endRange(), newText: ' hpet' }]);
  // kvm-clock lexes as kvm, '-', clock: join the adjacent pieces.
  let name = first.text;
  let last = first;
  while (p.peek() && p.peek()!.start === last.end && !(paren && p.peek()!.text === ')')) { last = p.next()!; name += last.text; }
  for (let i = p.toks.indexOf(first); i <= p.toks.indexOf(last); i++) p.toks[i].code = K.keyword;
  const r = p.span(first, last);
  if (!Object.hasOwn(CLOCKSOURCES, name)) {
    const near = closest(name, names);
    p.soft(r, 'unknown-clocksource', `The model knows the clocksources ${names.join(', ')}, not '${name}'`, replaceFixes(r, near.length ? near : names, ''));
  }
  if (paren) p.expectPunct(')', "')'");
  p.expectEnd();
  return { op: 'clocksource', name };
}
