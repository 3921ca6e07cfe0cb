// VS Code side of the `timens` debugger: F5 on a .timens file, launch.json resolution, the inline adapter
// sharing the session store's run (so the trees and the timeline follow the debugger and the other way round).
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunOptions, ScenarioRun } from '../scenario/api';
import { TimensDebugSession, type DebugHost, type TimensLaunchArguments } from '../debug/session';
import type { Services } from './services';

const DEBUG_TYPE = 'timens';

export function programUri(program: string): vscode.Uri {
  // untitled:…, vscode-vfs:… and other schemes come as URIs; everything else is a file path.
  return /^[a-z][\w+.-]+:/i.test(program) && !/^[a-z]:[\\/]/i.test(program) ? vscode.Uri.parse(program) : vscode.Uri.file(program);
}

function activeScenario(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && (doc.languageId === 'timens' || doc.fileName.endsWith('.timens')) ? doc : undefined;
}

function launchConfig(doc: vscode.TextDocument): vscode.DebugConfiguration {
  return {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug ${path.basename(doc.fileName)}`,
    program: doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(),
    stopOnEntry: true,
  };
}

export function registerDebugger({ context, store, log }: Services): void {
  /** Live adapters, so a cursor moved by a view is reported to the debugger that shows the same run. */
  const adapters = new Map<TimensDebugSession, () => vscode.Uri | undefined>();

  const configurations: vscode.DebugConfigurationProvider = {
    resolveDebugConfiguration(_folder, config) {
      // F5 with no launch.json gives an empty configuration: debug the scenario in the active editor.
      if (!config.type && !config.request && !config.name) {
        const doc = activeScenario();
        if (!doc) {
          void vscode.window.showInformationMessage('Open a .timens scenario to debug it.');
          return undefined;
        }
        return launchConfig(doc);
      }
      if (!config.program) {
        const doc = activeScenario();
        if (!doc) {
          void vscode.window.showErrorMessage('The timens launch configuration has no "program" and no .timens file is open.');
          return undefined;
        }
        config.program = launchConfig(doc).program;
      }
      return config;
    },
    provideDebugConfigurations() {
      const doc = activeScenario();
      return [doc ? launchConfig(doc) : { type: DEBUG_TYPE, request: 'launch', name: 'Debug scenario', program: '${file}', stopOnEntry: true }];
    },
  };

  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor() {
      let loadedUri: vscode.Uri | undefined;
      const host: DebugHost = {
        async load(args: TimensLaunchArguments, restart: boolean) {
          const doc = await vscode.workspace.openTextDocument(programUri(args.program));
          loadedUri = doc.uri;
          const overrides: RunOptions = {
            ...(args.arch ? { arch: args.arch } : {}),
            ...(args.kernel ? { kernel: args.kernel } : {}),
            ...(args.disabledPatches ? { disabledPatches: args.disabledPatches } : {}),
          };
          const session = restart ? store.runDocument(doc, overrides, 'debugger') : store.ensureRun(doc, overrides);
          log.info(`debugging ${doc.uri.toString()} (${session.run.profile.arch} ${session.run.profile.kernel}, ${session.sim.eventCount} events)`);
          return { run: session.run, text: doc.getText() };
        },
        onStop(run: ScenarioRun) {
          const session = loadedUri ? store.get(loadedUri) : undefined;
          if (session && session.run === run) store.positionChanged(session, 'debugger');
        },
        onEnd() {
          adapters.delete(adapter);
        },
      };
      const adapter = new TimensDebugSession(host);
      adapters.set(adapter, () => loadedUri);
      return new vscode.DebugAdapterInlineImplementation(adapter);
    },
  };

  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, configurations, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory),
    vscode.commands.registerCommand('timens.debugScenario', async (uri?: vscode.Uri) => {
      const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : activeScenario();
      if (!doc) {
        void vscode.window.showInformationMessage('Open a .timens scenario to debug it.');
        return false;
      }
      return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(doc.uri), launchConfig(doc));
    }),
    store.onDidChange((e) => {
      if (!e.session || e.source === 'debugger') return;
      for (const [adapter, uri] of adapters) {
        if (e.reason === 'position' && adapter.run === e.session.run) adapter.followExternalPosition(e.session.sim.position);
        // The document was run again (edited): the session keeps the run it started with until restarted.
        if (e.reason === 'run' && adapter.run && adapter.run !== e.session.run && uri()?.toString() === e.session.uri.toString()) {
          adapter.notice('The scenario was run again (its text changed). Restart the debug session to step through the new run.');
        }
      }
    }),
  );
}
