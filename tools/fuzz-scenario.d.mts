// Types of tools/fuzz-scenario.mjs for the TypeScript tests that import it.
export function fuzzScenario(seed: number, options?: { arch?: 'x86_64' | 'arm64'; lines?: number; mix?: 'all' | 'tasks' }): string;
