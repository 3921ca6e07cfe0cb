// VS Code side of the `timens` debugger: F5 on a .timens file, launch.json resolution, and the inline adapter
// that forwards DAP messages to the debug session in the engine, which steps the run's one cursor (so the trees
// and the timeline follow the debugger and the other way round).
import * as path from 'path';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from './engineClient';
import type { Services } from './services';
import { activeScenario, profileDefaults } from './session';

const DEBUG_TYPE = 'timens';

export function programUri(program: string): vscode.Uri {
  // untitled:…, vscode-vfs:… and other schemes come as URIs; everything else is a file path.
  return /^[a-z][\w+.-]+:/i.test(program) && !/^[a-z]:[\\/]/i.test(program) ? vscode.Uri.parse(program) : vscode.Uri.file(program);
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

export function registerDebugger({ context, store, log, documents }: Services): void {

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

  // The adapter runs in the engine, next to the simulation it steps; VS Code talks to this proxy in between.
  const factory: vscode.DebugAdapterDescriptorFactory = {
    createDebugAdapterDescriptor() {
      return new vscode.DebugAdapterInlineImplementation(new EngineDebugAdapter(store.engine, log));
    },
  };
  // A launch names a program: open it here (the document may be unsaved or virtual) and give the engine its text.
  store.engine.handle('openDocument', async ({ program }) => {
    const doc = await vscode.workspace.openTextDocument(programUri(program));
    documents.ensure(doc);
    return { uri: doc.uri.toString(), version: doc.version, defaults: profileDefaults(doc) };
  });

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
  );
}

let nextSession = 1;

/** VS Code's end of a debug session that runs in the engine: DAP messages go through unchanged, both ways. */
class EngineDebugAdapter implements vscode.DebugAdapter {
  private readonly emitter = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.emitter.event;
  private readonly id = nextSession++;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly engine: EngineClient, private readonly log: vscode.LogOutputChannel) {
    this.subscription = engine.on('dap', (m) => { if (m.session === this.id) this.emitter.fire(m.message); });
    void engine.request('dapStart', { session: this.id }).catch((err: unknown) => this.fail(err));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    const m = message as DebugProtocol.ProtocolMessage;
    this.engine.request('dapMessage', { session: this.id, message: m }).catch((err: unknown) => {
      this.fail(err);
      if (m.type === 'request') {
        const r = m as DebugProtocol.Request;
        this.emitter.fire({ type: 'response', seq: 0, request_seq: r.seq, command: r.command, success: false, message: `the simulator is not available: ${err instanceof Error ? err.message : String(err)}` } as DebugProtocol.Response);
      }
    });
  }

  private fail(err: unknown): void {
    this.log.error(`debug session ${this.id}: ${err instanceof Error ? err.message : String(err)}`);
  }

  dispose(): void {
    this.subscription.dispose();
    void this.engine.request('dapEnd', { session: this.id }).catch(() => undefined);
    this.emitter.dispose();
  }
}
