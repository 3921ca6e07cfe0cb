// The grammar of extension/scenario/editor/grammar.ts loaded into VS Code's own tokenizer (vscode-textmate with
// the Oniguruma regular expressions VS Code runs), for the grammar's tests and the bench.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { SCOPE_NAME, timensGrammar } from '../../../extension/scenario/editor/grammar';

export interface Token { readonly text: string; readonly scopes: readonly string[] }

let onig: Promise<textmate.IOnigLib> | undefined;
function onigLib(): Promise<textmate.IOnigLib> {
  onig ??= (async () => {
    const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return { createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources), createOnigString: (s: string) => new oniguruma.OnigString(s) };
  })();
  return onig;
}

/** A tokenizer of whole texts (the rule stack carried from line to line, as the editor does). */
export async function timensTokenizer(grammar: object = timensGrammar()): Promise<{ lines(text: string): Token[][]; grammar: textmate.IGrammar }> {
  const registry = new textmate.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scope) => (scope === SCOPE_NAME ? textmate.parseRawGrammar(JSON.stringify(grammar), 'timens.tmLanguage.json') : null),
  });
  const loaded = await registry.loadGrammar(SCOPE_NAME);
  if (!loaded) throw new Error('the grammar did not load');
  return {
    grammar: loaded,
    lines(text: string): Token[][] {
      let state = textmate.INITIAL;
      return text.split('\n').map((line) => {
        const r = loaded.tokenizeLine(line, state);
        state = r.ruleStack;
        return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
      });
    },
  };
}

/** The innermost scope of the token `text` on a one-line text ('' when it is no token of its own). */
export function scopeOf(line: readonly Token[], text: string): string {
  const t = line.find((x) => x.text === text);
  return t ? (t.scopes[t.scopes.length - 1] ?? '') : '';
}
