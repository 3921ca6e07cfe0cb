// The Patch Series view: the loaded mailbox (cover letter, patches, files, hunks, problems) or, when none
// is loaded, the bundled notes on the arm64 series; and the state of which series is on screen.
import * as vscode from 'vscode';
import { SERIES_KNOWLEDGE, type PatchKnowledge } from '../tours/knowledge';
import { fileCount } from '../tours/importHost';
import { functionsOfHunk } from '../tours/links';
import { patchLabel, type PatchSeries } from '../tours/series';
import { seriesChildren, seriesParent, type SeriesNode } from './patchSeriesNodes';
import { filePath, messageUri, notesUri } from './patchUris';

export type { SeriesNode } from './patchSeriesNodes';

/** The series on screen, shared by the tree, the diff documents and the tour player. */
export class PatchSeriesState {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private current: PatchSeries | null = null;
  private generation = 0;

  get series(): PatchSeries | null {
    return this.current;
  }

  /** Bumped on every load so that virtual document URIs of an older series are never confused with new ones. */
  get key(): string {
    return `s${this.generation}`;
  }

  set(series: PatchSeries | null): void {
    this.current = series;
    this.generation++;
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

/** Our notes on a bundled patch, shown when no mailbox is loaded (and linked from the tree). */
export function notesText(k: PatchKnowledge, series: PatchSeries | null): string {
  const from = SERIES_KNOWLEDGE.find((x) => x.id === k.series);
  const src = from?.source;
  const lines = [
    `# ${k.title}`,
    '',
    series ? `Loaded series: ${series.source}` : '> No mailbox is loaded: these are Timens Explorer\'s own notes on the patch, not the patch itself.',
    series ? '' : '> Open the series with "Timens: Open Patch Series" (a b4 .mbx, an mbox or a git range) to see its hunks.',
    '',
    '## What it changes',
    '',
    k.summary,
    '',
    '## Without it',
    '',
    k.withoutIt,
    '',
    '## Where',
    '',
    `- Files: ${k.files.map((f) => `\`${f}\``).join(', ')}${from ? ` (as of v${from.mergedIn})` : ''}`,
    `- Functions: ${k.functions.map((f) => `\`${f}\``).join(', ')}`,
    src ? `- Posted as part of ${src.cover} (${src.author}, ${src.posted})${src.archive ? `: <${src.archive}>` : ''}${src.firstCommit ? `; first commit upstream: ${src.firstCommit}` : ''}` : '',
    `- Model switch: ${k.switch.kind === 'patch' ? `\`patch off ${k.switch.id}\`` : k.switch.kind === 'version' ? `kernel ${k.switch.before} against ${k.switch.after} (${k.switch.arch})` : `none (${k.switch.why})`}`,
    k.scenario ? `- Scenario: \`${k.scenario}\`, line ${k.line}` : '',
    '',
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n');
}

export class PatchSeriesTree implements vscode.TreeDataProvider<SeriesNode> {
  private readonly emitter = new vscode.EventEmitter<SeriesNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly state: PatchSeriesState) {
    state.onDidChange(() => this.emitter.fire(undefined));
  }

  /** How often VS Code asked for rows and for children (read by the VS Code tests through a test hook). */
  getTreeItemCalls = 0;
  getChildrenCalls = 0;

  getChildren(node?: SeriesNode): SeriesNode[] {
    this.getChildrenCalls++;
    return seriesChildren(this.state.series, node);
  }

  getParent(node: SeriesNode): SeriesNode | undefined {
    return seriesParent(this.state.series, node);
  }

  getTreeItem(node: SeriesNode): vscode.TreeItem {
    this.getTreeItemCalls++;
    const s = this.state.series;
    switch (node.kind) {
      case 'info': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        return item;
      }
      case 'problems': {
        const errors = node.diagnostics.filter((d) => d.severity === 'error').length;
        const warnings = node.diagnostics.filter((d) => d.severity === 'warning').length;
        const label = errors + warnings > 0 ? `Problems reading ${s?.source ?? 'the series'} (${errors + warnings})` : `Notes on reading ${s?.source ?? 'the series'} (${node.diagnostics.length})`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon(errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'info');
        return item;
      }
      case 'problem': {
        const d = node.diagnostic;
        const item = new vscode.TreeItem(`line ${d.line}: ${d.message}`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info');
        item.tooltip = `${s?.source ?? ''}:${d.line}:${d.column}: ${d.message}`;
        return item;
      }
      case 'cover': {
        const item = new vscode.TreeItem(patchLabel(node.message), vscode.TreeItemCollapsibleState.None);
        item.description = 'cover letter';
        item.iconPath = new vscode.ThemeIcon('mail');
        item.contextValue = 'timens.cover';
        item.command = { command: 'vscode.open', title: 'Open Cover Letter', arguments: [messageUri(this.state.key, 'cover')] };
        return item;
      }
      case 'page': {
        const first = s?.patches[node.start];
        const last = s?.patches[node.end - 1];
        const item = new vscode.TreeItem(`Patches ${node.start + 1}–${node.end}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${this.state.key}/page/${node.start}`;
        item.description = `of ${s?.patches.length ?? 0}`;
        item.iconPath = new vscode.ThemeIcon('list-unordered');
        if (first && last) item.tooltip = `${patchLabel(first)}\n…\n${patchLabel(last)}`;
        return item;
      }
      case 'patch': {
        const m = node.message;
        const item = new vscode.TreeItem(patchLabel(m), m.placeholder ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${this.state.key}/patch/${node.index}`;
        item.description = m.placeholder ? 'not in this file' : node.knowledge?.switch.kind === 'patch' ? `switch: ${node.knowledge.switch.id}` : `${fileCount(m)} files`;
        item.iconPath = new vscode.ThemeIcon(m.placeholder ? 'circle-outline' : 'git-commit');
        item.contextValue = node.knowledge?.switch.kind === 'patch' ? 'timens.patch.switchable' : 'timens.patch';
        item.tooltip = node.knowledge ? new vscode.MarkdownString(`**${patchLabel(m)}**\n\n${node.knowledge.summary}\n\n**Without it:** ${node.knowledge.withoutIt}`) : patchLabel(m);
        if (m.placeholder && node.knowledge) item.command = { command: 'vscode.open', title: 'Open Notes', arguments: [notesUri(node.knowledge)] };
        return item;
      }
      case 'bundled': {
        const k = node.knowledge;
        const item = new vscode.TreeItem(`[PATCH v4 ${k.n}/6] ${k.title}`, vscode.TreeItemCollapsibleState.None);
        item.id = `bundled/${k.n}`;
        item.description = k.switch.kind === 'patch' ? `notes · switch: ${k.switch.id}` : 'notes';
        item.iconPath = new vscode.ThemeIcon('note');
        item.contextValue = 'timens.patch.switchable';
        item.tooltip = new vscode.MarkdownString(`${k.summary}\n\n**Without it:** ${k.withoutIt}`);
        item.command = { command: 'vscode.open', title: 'Open Notes', arguments: [notesUri(k)] };
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(filePath(node.file), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${this.state.key}/file/${node.patchIndex}/${node.fileIndex}`;
        item.description = `${node.file.status}${node.file.binary ? ', binary' : ''} · ${node.file.hunks.length} hunk${node.file.hunks.length === 1 ? '' : 's'}`;
        item.resourceUri = vscode.Uri.file('/' + filePath(node.file));
        item.iconPath = vscode.ThemeIcon.File;
        return item;
      }
      case 'hunk': {
        const h = node.hunk;
        const fns = functionsOfHunk(h);
        const item = new vscode.TreeItem(h.header.replace(/ @@ .*$/, ' @@'), vscode.TreeItemCollapsibleState.None);
        item.id = `${this.state.key}/hunk/${node.patchIndex}/${node.fileIndex}/${node.hunkIndex}`;
        item.description = fns.length > 0 ? fns.join(', ') : h.section;
        item.iconPath = new vscode.ThemeIcon(h.truncated ? 'warning' : 'diff');
        item.tooltip = `${h.header}${h.truncated ? '\n(cut short in the mail)' : ''}`;
        item.contextValue = 'timens.hunk';
        item.command = { command: 'timens.patchSeries.openHunk', title: 'Open Hunk', arguments: [node] };
        return item;
      }
    }
  }
}

