// New scenarios: File > New File… > Timens Scenario, and New Scenario from Example. Each opens an untitled
// document that already has a file name (the example's, without its number; or scenario.timens) in the
// workspace folder, so the tab and Save use that name rather than one made from the first comment line.
import * as os from 'os';
import * as vscode from 'vscode';
import { freeName } from '../freeName';
import type { Services } from '../services';

/** `04-setns-rules.timens` → `setns-rules.timens`: the number only orders the examples. */
export function exampleFileName(example: string): string {
  return example.replace(/^\d+[-_]/, '');
}

/** Where new scenarios go: the folder of the active editor's workspace, else the first folder, else home. */
function targetFolder(): vscode.Uri {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri ?? vscode.Uri.file(os.homedir());
}

/** Does a file (or folder) exist at `uri`? */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** An untitled document named `name` (or `name-2`, … when a file or an open document has that name), holding `text`. */
export async function openNamedUntitled(name: string, text: string): Promise<vscode.TextDocument> {
  const folder = targetFolder();
  const free = await freeName(name, async (n) => {
    const uri = vscode.Uri.joinPath(folder, n);
    return (await exists(uri)) || vscode.workspace.textDocuments.some((d) => d.uri.path === uri.path);
  });
  const uri = vscode.Uri.joinPath(folder, free);
  const doc = await vscode.workspace.openTextDocument(uri.with({ scheme: 'untitled' }));
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(0, 0), text);
  await vscode.workspace.applyEdit(edit);
  await vscode.window.showTextDocument(doc);
  return doc;
}

export function registerNewScenarioCommands({ context }: Services): void {
  const examples = vscode.Uri.joinPath(context.extensionUri, 'examples');

  const fromExample = async (name?: unknown): Promise<vscode.Uri | undefined> => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(examples);
    } catch (err) {
      void vscode.window.showErrorMessage(`Timens: cannot list the examples in ${examples.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const files = entries.filter(([n, type]) => type === vscode.FileType.File && n.endsWith('.timens')).map(([n]) => n).sort();
    if (!files.length) { void vscode.window.showErrorMessage(`Timens: no examples found in ${examples.fsPath}.`); return undefined; }
    const items = await Promise.all(files.map(async (file) => {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(examples, file)));
      const firstComment = text.split('\n').find((l) => /^\s*#/.test(l) && !/^\s*#\s*(-{3,}|={3,})/.test(l));
      return { label: file.replace(/\.timens$/, ''), description: firstComment?.replace(/^\s*#\s*/, '').trim() ?? '', file, text };
    }));
    // A name given by a caller (a walkthrough link, the tests) skips the pick.
    const pick = typeof name === 'string'
      ? items.find((i) => i.file === name || i.label === name)
      : await vscode.window.showQuickPick(items, { title: 'New Scenario from Example', placeHolder: 'Pick an example to start from (opens an untitled copy)', matchOnDescription: true });
    if (!pick) return undefined;
    return (await openNamedUntitled(exampleFileName(pick.file), pick.text)).uri;
  };

  const blank = async (): Promise<vscode.Uri> => {
    const config = vscode.workspace.getConfiguration('timens');
    const text = [
      '# What this scenario shows (one operation per line; `expect` lines check what happened)',
      `arch ${config.get<string>('defaultArch', 'x86_64')}`,
      `kernel ${config.get<string>('defaultKernel', '6.18')}`,
      'P1: unshare(CLONE_NEWTIME)',
      '',
    ].join('\n');
    return (await openNamedUntitled('scenario.timens', text)).uri;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('timens.newScenarioFromExample', fromExample),
    vscode.commands.registerCommand('timens.newScenario', blank),
  );
}
