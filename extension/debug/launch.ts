// What a debug session is launched with and from: the launch arguments of a .timens configuration, and the host
// that gives the session its recorded run (the VS Code glue shares the session store's run; FILE_HOST reads the file).
import * as fs from 'fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RunOptions, ScenarioRun } from '../scenario/api';
import { runScenario } from '../scenario/index';
import type { Arch, Arm64PatchId, DesignName, KernelVersion } from '../sim/types';
import type { Cursor } from './cursor';

export interface TimensLaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** The scenario file. */
  program: string;
  arch?: Arch;
  kernel?: KernelVersion;
  disabledPatches?: Arm64PatchId[];
  /** A time-namespace design that was never merged; overrides the scenario's `design` line. */
  design?: DesignName;
  /** Stop before the first line (default true); otherwise run to the first breakpoint or the end. */
  stopOnEntry?: boolean;
}

/** A recorded run and the text it was recorded from (console what-ifs re-parse the text). */
export interface LoadedScenario {
  readonly run: ScenarioRun;
  readonly text: string;
  /** The run's one cursor, shared with the views; a session of its own when absent. */
  readonly cursor?: Cursor;
}

/** What the host provides: the VS Code glue shares the session store's run; the tests and CLI read the file. */
export interface DebugHost {
  /** The run to debug; called at launch and on restart. Throwing gives the user the message. */
  load(args: TimensLaunchArguments, restart: boolean): LoadedScenario | Promise<LoadedScenario>;
  /** The cursor moved (after every stop); the views follow the cursor itself, this is for hosts without one. */
  onStop?(run: ScenarioRun, position: number): void;
  /** The session ended. */
  onEnd?(run: ScenarioRun | undefined): void;
}

/** Reads and runs the file itself: for the tests, the CLI and any host without a document store. */
export const FILE_HOST: DebugHost = {
  load(args) {
    const text = fs.readFileSync(args.program, 'utf8');
    const options: RunOptions = {
      file: args.program,
      ...(args.arch ? { arch: args.arch } : {}),
      ...(args.kernel ? { kernel: args.kernel } : {}),
      ...(args.disabledPatches ? { disabledPatches: args.disabledPatches } : {}),
      ...(args.design ? { design: args.design } : {}),
    };
    return { run: runScenario(text, options), text };
  },
};
