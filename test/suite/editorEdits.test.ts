// Diagnostics and inline results after edits in the real VS Code, on a scenario too long to go to the engine in
// one piece (a clean file the engine reads itself; one it cannot take, in parts): edits at the start, middle and
// end, a paste of many lines, an undo, and a burst of edits while runs are in flight (the document ends with the
// results of its last text; until then the older text's results stay, marked stale, on the lines left as they were).
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { PART_LINES } from '../../extension/vscode/editor/documents';
import { activateExtension, waitFor } from './helpers';

const READ = 'P1: clock_gettime(CLOCK_MONOTONIC)';
const PASS = 'expect ret == 0';
const FAIL = 'expect ret == 7';

interface Shown { inline: { line: number; tone: string; stale?: boolean }[]; sentAs?: string; sessionVersion?: number; checking?: string }
const inspect = async (uri: vscode.Uri) => (await vscode.commands.executeCommand('timens.editor._inspect', uri)) as Shown;

/** Lines of `text` that hold `expect ret == 7` (the ones that must carry an error). */
function failingLines(doc: vscode.TextDocument): number[] {
  const out: number[] = [];
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text === FAIL) out.push(i);
  return out;
}

/** The tone an inline result of line `i` must have in the document as it is. */
function toneOf(doc: vscode.TextDocument, i: number): string | undefined {
  const text = i < doc.lineCount ? doc.lineAt(i).text : '';
  return text === PASS ? 'expect-pass' : text === FAIL ? 'expect-fail' : text === READ ? 'ok' : undefined;
}

/** Inline results that do not fit the text as it is now (drawn from an older text), as `line:tone`. */
function stale(doc: vscode.TextDocument, shown: Shown): string[] {
  return shown.inline.filter((r) => toneOf(doc, r.line) !== r.tone).map((r) => `${r.line}:${r.tone}`);
}

/** Waits until the diagnostics and the inline results around `line` are those of the document's current text. */
async function settledAt(editor: vscode.TextEditor, line: number, what: string): Promise<void> {
  const doc = editor.document;
  editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
  await waitFor(async () => {
    const want = failingLines(doc).join();
    const got = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'expect-failed').map((d) => d.range.start.line).join();
    if (got !== want) return false;
    const version = doc.version;
    const shown = await inspect(doc.uri);
    if (doc.version !== version) return false;
    const at = shown.inline.find((r) => r.line === line);
    return stale(doc, shown).length === 0 && at !== undefined && at.tone === toneOf(doc, line);
  }, `diagnostics and inline results after ${what}`, 60_000, 50);
}

suite('editor: diagnostics and inline results follow edits anywhere', () => {
  let editor: vscode.TextEditor;
  let dir: string;
  const lines = ['arch x86_64', 'kernel 6.18'];
  // Long enough not to go in one piece; a failing expectation near the start, middle and end.
  for (let i = 0; lines.length < 2 * PART_LINES + 100; i++) lines.push(READ, i % 500 === 7 ? FAIL : PASS);

  suiteSetup(async () => {
    await activateExtension();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-edits-'));
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a UTF-8 file with bytes above 0x7f is read by the engine; the same text in windows-1252, opened so, goes in parts', async () => {
    const utf8File = path.join(dir, 'accent.timens');
    fs.writeFileSync(utf8File, `# café, Weißschuh\r\n${lines.join('\r\n')}\r\n`);
    const accent = await vscode.window.showTextDocument(vscode.Uri.file(utf8File), { preview: false });
    await settledAt(accent, 2 * PART_LINES, 'opening a UTF-8 file');
    // VS Code says the encoding it read the file with (TextDocument.encoding): the engine decodes the file so.
    assert.strictEqual((accent.document as { encoding?: string }).encoding, 'utf8');
    assert.strictEqual((await inspect(accent.document.uri)).sentAs, 'file');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const latin1File = path.join(dir, 'accent-1252.timens');
    fs.writeFileSync(latin1File, Buffer.from(`# café\r\n${lines.join('\r\n')}\r\n`, 'latin1'));
    const open = vscode.workspace.openTextDocument as (uri: vscode.Uri, options: { encoding: string }) => Thenable<vscode.TextDocument>;
    const doc = await open(vscode.Uri.file(latin1File), { encoding: 'windows1252' });
    assert.strictEqual(doc.lineAt(0).text, '# café');
    const latin1 = await vscode.window.showTextDocument(doc, { preview: false });
    await settledAt(latin1, 2 * PART_LINES, 'opening in parts');
    assert.strictEqual((await inspect(doc.uri)).sentAs, 'parts');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a clean file the engine reads itself (mixed line breaks): every failing expectation and the inline results on screen', async () => {
    const file = path.join(dir, 'edits.timens');
    // VS Code turns the lone '\r\n' into '\n' (the most frequent): the engine's text must be the same.
    fs.writeFileSync(file, `${lines.join('\n').replace('\n', '\r\n')}\n`);
    editor = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    assert.strictEqual(editor.document.eol, vscode.EndOfLine.LF);
    await settledAt(editor, 2 * PART_LINES, 'opening');
    assert.strictEqual((await inspect(editor.document.uri)).sentAs, 'file');
  });

  test('an edit at the start, in the middle and at the end', async () => {
    const doc = editor.document;
    await editor.edit((b) => b.replace(doc.lineAt(3).range, FAIL));
    await settledAt(editor, 3, 'an edit at the start');
    const middle = Math.floor(doc.lineCount / 2) | 1; // an expect line (odd)
    await editor.edit((b) => b.replace(doc.lineAt(middle).range, doc.lineAt(middle).text === PASS ? FAIL : PASS));
    await settledAt(editor, middle, 'an edit in the middle');
    await editor.edit((b) => b.insert(new vscode.Position(doc.lineCount - 1, 0), `${READ}\n${FAIL}\n`));
    await settledAt(editor, doc.lineCount - 2, 'an edit at the end');
    // The edits applied to the copy the engine read from the file (a copy that differed would be sent again).
    assert.strictEqual((await inspect(doc.uri)).sentAs, 'file');
  });

  test('a paste of many lines, then an undo of it', async () => {
    const doc = editor.document;
    const before = doc.getText();
    const block = Array.from({ length: 400 }, (_, i) => `${READ}\n${i % 3 === 0 ? FAIL : PASS}\n`).join('');
    await editor.edit((b) => b.insert(new vscode.Position(1001, 0), block));
    await settledAt(editor, 1001 + 2 * 399 + 1, 'a paste of 800 lines');
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('undo');
    await waitFor(() => doc.getText() === before, 'the undo');
    await settledAt(editor, 1001, 'the undo');
  });

  test('an edit that leaves a syntax error takes the older results away once checked; its undo brings them back', async () => {
    const doc = editor.document;
    const line = 41; // an expect line; the text's results on screen from the last test
    editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
    await settledAt(editor, line, 'revealing');
    await editor.edit((b) => b.replace(doc.lineAt(line).range, 'expect ret =='));
    await waitFor(() => vscode.languages.getDiagnostics(doc.uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line === line), 'the syntax error');
    // Nothing runs for this text: no result of the last one stays drawn.
    await waitFor(async () => (await inspect(doc.uri)).inline.length === 0, 'the older results to go');
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('undo');
    await settledAt(editor, line, 'the undo of the syntax error');
  });

  test('a long check says so in a status bar item, without an animation, until its diagnostics come', async () => {
    const file = path.join(dir, 'long-check.timens');
    // 3*10^5 lines: a check of seconds (the item shows after half a second)
    const big = ['arch x86_64', 'kernel 6.18'];
    while (big.length < 300_000) big.push(READ, FAIL);
    fs.writeFileSync(file, `${big.join('\n')}\n`);
    const long = await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
    await waitFor(async () => (await inspect(long.document.uri)).checking !== undefined, 'the checking item', 60_000, 20);
    const text = (await inspect(long.document.uri)).checking!;
    assert.match(text, /^\$\(watch\) Timens: checking long-check\.timens$/);
    assert.ok(!text.includes('~spin'), 'the item does not spin');
    await waitFor(async () => (await inspect(long.document.uri)).checking === undefined, 'the checking item to go', 120_000, 50);
    // it went because the check ended: the failing expectations are there
    assert.ok(vscode.languages.getDiagnostics(long.document.uri).filter((d) => d.code === 'expect-failed').length > 1000);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    editor = await vscode.window.showTextDocument(editor.document, { preview: false });
  });

  test('a burst of edits while runs are in flight keeps the results of lines left alone, as stale, and ends with those of the last text', async () => {
    const doc = editor.document;
    const seen: string[] = [];
    const notMarked: string[] = [];
    let keptWhileBehind = 0;
    let watching = true;
    // Samples what is drawn while the edits go on: each sample is checked against the text of that moment.
    const watcher = (async () => {
      while (watching) {
        const version = doc.version;
        const shown = await inspect(doc.uri);
        if (doc.version === version) {
          seen.push(...stale(doc, shown));
          // Behind the text: what is drawn is the last run's, on the lines the edits left as they were.
          if (shown.sessionVersion !== version && shown.inline.length > 0) {
            keptWhileBehind++;
            notMarked.push(...shown.inline.filter((r) => !r.stale).map((r) => `${r.line}:${r.tone}`));
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const target = doc.lineCount - 202; // an expect line near the end (the count is odd, expect lines are odd)
    assert.ok(doc.lineAt(target).text.startsWith('expect'));
    for (let k = 0; k < 12; k++) {
      await editor.edit((b) => b.replace(doc.lineAt(target).range, k % 2 ? PASS : FAIL));
      if (k % 4 === 3) await editor.edit((b) => b.insert(new vscode.Position(5, 0), `${READ}\n${PASS}\n`));
      await new Promise((r) => setTimeout(r, 60 + 40 * (k % 3)));
    }
    // The last replacement wrote PASS at `target`; the insert after it moved that line down by two.
    await settledAt(editor, target + 2, 'the last edit of the burst');
    watching = false;
    await watcher;
    assert.strictEqual(doc.lineAt(target + 2).text, PASS);
    assert.deepStrictEqual(seen, [], 'an older text\'s result was drawn on a line the edits changed');
    assert.deepStrictEqual(notMarked, [], 'an older text\'s result was drawn without its stale mark');
    // They had vanished at every edit until the next run landed.
    assert.ok(keptWhileBehind > 0, 'no inline result stayed drawn while the runs were behind the edits');
  });
});
