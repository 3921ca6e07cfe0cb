// Files shipped inside the extension (the tours' scenarios, the examples) shown through a read-only file
// system: they open in editors that refuse edits, so nobody changes the installed extension by accident.
import * as path from 'path';
import * as vscode from 'vscode';

export const SHIPPED_SCHEME = 'timens-shipped';

/** The folders of the extension that can be opened this way. */
const SHIPPED_FOLDERS = ['tours', 'examples'];

/** timens-shipped:/tours/scenarios/x.timens for the extension's tours/scenarios/x.timens. */
export function shippedUri(relative: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SHIPPED_SCHEME, path: '/' + relative.replace(/^\/+/, '') });
}

export class ShippedFiles implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly root: vscode.Uri) {}

  /** The file in the extension, or a NoPermissions error for anything outside the shipped folders. */
  private target(uri: vscode.Uri): vscode.Uri {
    const p = path.posix.normalize(uri.path);
    const first = p.split('/').filter(Boolean)[0];
    if (p.includes('..') || !first || !SHIPPED_FOLDERS.includes(first)) throw vscode.FileSystemError.NoPermissions(uri);
    return vscode.Uri.joinPath(this.root, p);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const s = await vscode.workspace.fs.stat(this.target(uri));
    return { ...s, permissions: vscode.FilePermission.Readonly };
  }

  readDirectory(uri: vscode.Uri): Thenable<[string, vscode.FileType][]> {
    return vscode.workspace.fs.readDirectory(this.target(uri));
  }

  readFile(uri: vscode.Uri): Thenable<Uint8Array> {
    return vscode.workspace.fs.readFile(this.target(uri));
  }

  createDirectory(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): never {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}

export function registerShippedFiles(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.workspace.registerFileSystemProvider(SHIPPED_SCHEME, new ShippedFiles(context.extensionUri), { isReadonly: true, isCaseSensitive: true }));
}
