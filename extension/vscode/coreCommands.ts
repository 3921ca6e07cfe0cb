// Commands that belong to no single view: showing the extension's log.
import * as vscode from 'vscode';
import type { Services } from './services';

export function registerCoreCommands({ context, log }: Services): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('timens.showLog', () => {
      log.show(true);
      return true;
    }),
  );
}
