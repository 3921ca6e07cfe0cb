// Registration of the tours area: the Patch Series view, comparisons, the read-only shipped files, and the
// tour commands (start, step, record, review reply); and where tours and their scenarios are loaded from.
import { chooseDesign, compareDesigns } from './designs';
import type { DesignName } from '../sim/types';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Arm64PatchId } from '../sim/types';
import { parseTour, scenarioPathProblem } from '../tours/tour';
import { resolveScenarioFile } from '../tours/tourPaths';
import { registerPatchSeries } from './patchSeries';
import { PatchSeriesState, type SeriesNode } from './patchSeriesTree';
import type { Services } from './services';
import { registerShippedFiles, shippedUri } from './shippedFiles';
import { TOUR_SCHEME, TourPlayer, type LoadedTour } from './tourPlayer';
import { TourRecorder } from './tourRecorder';
import { CompareCodeLens, CompareUi } from './toursCompare';

export type { LoadedTour, StepView } from './tourPlayer';

function describeProblems(name: string, text: string): string | undefined {
  const { tour, diagnostics } = parseTour(text, name);
  if (tour) return undefined;
  const shown = diagnostics.slice(0, 3).map((d) => `${name}:${d.line}:${d.column}: ${d.path ? `${d.path}: ` : ''}${d.message}`);
  return shown.join('; ') + (diagnostics.length > 3 ? `; and ${diagnostics.length - 3} more` : '');
}

export async function shippedTours(extensionUri: vscode.Uri): Promise<LoadedTour[]> {
  const dir = vscode.Uri.joinPath(extensionUri, 'tours');
  const out: LoadedTour[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    if (type !== vscode.FileType.File || !name.endsWith('.tour.json')) continue;
    const uri = vscode.Uri.joinPath(dir, name);
    const { tour } = parseTour(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), name);
    // Shipped scenarios open read-only; their paths are relative to the extension and checked by the schema.
    if (tour) out.push({ tour, uri: shippedUri(`tours/${name}`), shipped: true, scenario: async (rel) => shippedUri(rel) });
  }
  return out.sort((a, b) => a.tour.title.localeCompare(b.tour.title));
}

/** A workspace tour: scenario paths are relative to its workspace folder, and must stay below it or the tour's folder. */
export async function loadTourFile(uri: vscode.Uri): Promise<LoadedTour> {
  const name = path.posix.basename(uri.path);
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const problems = describeProblems(name, text);
  if (problems) throw new Error(problems);
  const tour = parseTour(text, name).tour!;
  const tourDir = vscode.Uri.joinPath(uri, '..');
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const base = folder?.uri ?? (path.posix.basename(tourDir.path) === '.tours' ? vscode.Uri.joinPath(tourDir, '..') : tourDir);
  const scenario = async (rel: string): Promise<vscode.Uri> => {
    if (uri.scheme === 'file') {
      // Links are followed before the check: a path without '..' can still lead out through one.
      return vscode.Uri.file(await resolveScenarioFile(base.fsPath, rel, [tourDir.fsPath, ...(folder ? [folder.uri.fsPath] : [base.fsPath])]));
    }
    const problem = scenarioPathProblem(rel);
    if (problem) throw new Error(problem);
    return vscode.Uri.joinPath(base, rel);
  };
  return { tour, uri, shipped: false, scenario };
}

async function workspaceTours(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles('{**/.tours/*.json,**/*.tour.json}', '**/node_modules/**', 200);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function pickTour(extensionUri: vscode.Uri, arg?: string | vscode.Uri): Promise<LoadedTour | undefined> {
  if (arg instanceof vscode.Uri) return loadTourFile(arg);
  const shipped = await shippedTours(extensionUri);
  if (typeof arg === 'string') {
    const lt = shipped.find((t) => t.tour.title === arg || t.uri?.path.endsWith('/' + arg));
    if (!lt) throw new Error(`no shipped tour is called "${arg}"`);
    return lt;
  }
  const ws = await workspaceTours();
  const items = [
    { label: 'Shipped with Timens Explorer', kind: vscode.QuickPickItemKind.Separator },
    ...shipped.map((t) => ({ label: `$(book) ${t.tour.title}`, detail: t.tour.description, description: `${t.tour.steps.length} steps`, load: () => Promise.resolve(t) })),
    ...(ws.length ? [{ label: 'In this workspace', kind: vscode.QuickPickItemKind.Separator }] : []),
    ...ws.map((u) => ({ label: `$(file) ${vscode.workspace.asRelativePath(u)}`, load: () => loadTourFile(u) })),
  ] as (vscode.QuickPickItem & { load?: () => Promise<LoadedTour> })[];
  const pick = await vscode.window.showQuickPick(items, { title: 'Start a Tour', matchOnDetail: true });
  return pick?.load ? pick.load() : undefined;
}

export function registerTours(services: Services): void {
  const { context } = services;
  registerShippedFiles(context);
  const state = new PatchSeriesState();
  const compare = new CompareUi(services);
  const patchSeries = registerPatchSeries(services, state);
  const player = new TourPlayer(services, state, compare, patchSeries);
  const recorder = new TourRecorder(services, state, player);

  context.subscriptions.push(
    player,
    state,
    compare,
    vscode.workspace.registerTextDocumentContentProvider(TOUR_SCHEME, { provideTextDocumentContent: (uri) => player.stepDocument(uri) }),
    vscode.languages.registerCodeLensProvider({ language: 'timens' }, new CompareCodeLens()),
    vscode.commands.registerCommand('timens.compare', (uri?: vscode.Uri, other?: Parameters<CompareUi['compareCommand']>[1]) => compare.compareCommand(uri, other)),
    vscode.commands.registerCommand('timens.compareDesigns', (uri?: vscode.Uri, designs?: DesignName[]) => compareDesigns(services, compare, uri, designs)),
    vscode.commands.registerCommand('timens.chooseDesign', (uri?: vscode.Uri, design?: DesignName) => chooseDesign(compare, uri, design)),
    vscode.commands.registerCommand('timens.comparePatches', (uri?: vscode.Uri, patch?: Arm64PatchId) => compare.comparePatchesCommand(uri, patch)),
    // What the comparison view's rows and button do (also callable, e.g. from a keybinding).
    vscode.commands.registerCommand('timens.compare.revealLine', (line: number) => (Number.isInteger(line) && line >= 0 ? compare.view.revealLine(line) : undefined)),
    vscode.commands.registerCommand('timens.compare.showTimelines', () => compare.view.showTimelines()),
    vscode.commands.registerCommand('timens.patchSeries.whatBreaks', async (node?: SeriesNode | Arm64PatchId) => {
      const k = typeof node === 'string' ? undefined : node?.kind === 'bundled' ? node.knowledge : node?.kind === 'patch' ? node.knowledge : undefined;
      const id = typeof node === 'string' ? node : k?.switch.kind === 'patch' ? k.switch.id : undefined;
      if (!id) {
        void vscode.window.showInformationMessage('The model has no switch for this patch: only the six arm64 patches of the June 2020 series can be switched off.');
        return undefined;
      }
      return compare.whatBreaks(id);
    }),
    vscode.commands.registerCommand('timens.startTour', async (arg?: string | vscode.Uri, step?: number) => {
      try {
        const lt = await pickTour(context.extensionUri, arg);
        return lt ? await player.start(lt, step ?? 0) : undefined;
      } catch (err) {
        void vscode.window.showErrorMessage(`Cannot start the tour: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('timens.tour.next', () => player.next()),
    vscode.commands.registerCommand('timens.tour.previous', () => player.previous()),
    vscode.commands.registerCommand('timens.tour.end', () => player.end()),
    vscode.commands.registerCommand('timens.tour.pickStep', async () => {
      const cur = player.current;
      if (!cur) return;
      const pick = await vscode.window.showQuickPick(cur.tour.tour.steps.map((s, i) => ({ label: `${i + 1}. ${s.title}`, picked: i === cur.index, i })), { title: cur.tour.tour.title });
      if (pick) await player.goTo(pick.i);
    }),
    vscode.commands.registerCommand('timens.tour.record', (args?: { title?: string; uri?: vscode.Uri }) => recorder.start(args)),
    vscode.commands.registerCommand('timens.tour.addStep', (args?: Parameters<TourRecorder['addStep']>[0]) => recorder.addStep(args)),
    vscode.commands.registerCommand('timens.tour.addStepFromHunk', (node?: SeriesNode) => recorder.addStep({ from: 'hunk', node })),
    vscode.commands.registerCommand('timens.tour.addStepFromSimulation', () => recorder.addStep({ from: 'simulation' })),
    vscode.commands.registerCommand('timens.tour.editStep', (args?: Parameters<TourRecorder['editStep']>[0]) => recorder.editStep(args)),
    vscode.commands.registerCommand('timens.tour.stopRecording', () => recorder.stop()),
    vscode.commands.registerCommand('timens.copyReviewReply', (args?: Parameters<TourRecorder['copyReviewReply']>[0]) => recorder.copyReviewReply(args)),
  );
}
