// The .timens language layer's entry point: parsing, running, evaluating expectations, formatting
// results, and the documentation and completion data editors use.

export type * from './api';
export { parseScenario, profileDiagnostics, profileOfHeader, INITIAL_TASKS } from './parser';
export { runScenario, runParsed, runParsedSteps, profileFor, lineRange } from './runner';
export { evaluateCheck, clockName, type CheckOutcome } from './expect';
export { describeOperation, completionData, type OperationDoc, type CompletionData } from './docs';
export { callText, formatResult, formatStepLine, jsonOfOutcome, jsonOfExpectation, type JsonLine } from './format';
export { lexLine, type Lexeme } from './lexer';
export { tokenAt } from './tokens';
export {
  OPERATION_SPECS, OPERATION_BY_WORD, OPERATION_ALIASES, FLAG_TABLES, MAPPING_NAMES, ERRNO_TEXT, COMMON_PATHS,
  CLOCK_READ_PATHS, closest, editDistance, type OperationSpec, type ArgSpec, type ArgKind,
} from './vocabulary';
export { parseDuration, formatDuration, formatHostOffset, formatTimespec, nearestKernelVersion } from './values';
