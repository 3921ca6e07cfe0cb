// A text quoted in a message, on one line: a diagnostic, a refusal or a CLI line is one line, and a scenario's
// strings and names may hold any character (a line break, U+2028, a control character) that would break it.

/** The characters that break a one-line message (control characters and the two Unicode line separators). */
export const CONTROL = /[\x00-\x1f\x7f\u2028\u2029]/;
const CONTROL_ALL = new RegExp(CONTROL.source, 'g');
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with each character of CONTROL written as a string literal writes it (`\n`, `\u2028`): an event summary
 *  shows a path or text the scenario wrote so, too. */
export function oneLine(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROL_ALL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
}
