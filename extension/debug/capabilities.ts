// What the Timens debug adapter tells VS Code it can do (the initialize response): time travel (step back,
// goto), step-in targets, conditional, hit-count, log, function, data and exception breakpoints, hovers,
// console completion, readMemory of the vvar pages, restart and terminate.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS } from './breakpoints';

export const ADAPTER_CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsStepBack: true,
  supportsGotoTargetsRequest: true,
  supportsStepInTargetsRequest: true,
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsFunctionBreakpoints: true,
  supportsDataBreakpoints: true,
  supportsEvaluateForHovers: true,
  supportsCompletionsRequest: true,
  completionTriggerCharacters: ['.', ':', ' '],
  supportsExceptionInfoRequest: true,
  supportsExceptionFilterOptions: true,
  exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ ...f })),
  supportsReadMemoryRequest: true,
  supportsRestartRequest: true,
  supportsTerminateRequest: true,
  supportsValueFormattingOptions: false,
  supportsSingleThreadExecutionRequests: false,
  supportsSteppingGranularity: true,
  supportsCancelRequest: false,
};
