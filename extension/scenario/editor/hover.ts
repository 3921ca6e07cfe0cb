// Hover text for the token under the cursor in a .timens file, with no VS Code types: operations (the model's
// call paths, version notes, this run's result), clocks, flags, signals, mappings, tasks and namespaces as they
// stand right after the line, header lines and expect lines. extension/vscode/editor only converts it.

import type { ExpectOutcome, ParsedScenario, ScenarioRun, Token } from '../api';
import type { KernelState } from '../../sim/api';
import type { Profile } from '../../sim/types';
import { buildStatusOf, FORCED_BUILD } from '../../sim/build';
import { ARM64_PATCHES, CLOCKS, DESIGNS, ERRNOS, KERNEL_VERSIONS, SIGNALS, machineOf, type DesignName } from '../../sim/types';
import { designOf } from '../../sim/designs/index';
import { tagText } from '../../sim/designs/design';
import { callPathMarkdown, lineCallPaths } from '../callPaths';
import { describeOperation } from '../docs';
import { compareVersions } from '../values';
import { own } from '../cursor';
import { ERRNO_TEXT, FLAG_TABLES, HEADER_WORDS, MACHINE_KEYS } from '../vocabulary';
import { configHover } from './hoverClock';
import { formatOffset, pageRole, patchesApply, profileLabel, versionAtLeast } from './format';
import { CLOCK_DOCS, FLAG_DOCS, kernelDetail, PATH_DOCS } from './knowledge';
import { resultText } from './trees';

export interface HoverContext {
  readonly parsed: ParsedScenario;
  /** The profile the file runs with (header, settings or overrides). */
  readonly profile: Profile;
  /** A run of the same text, when there is one. */
  readonly run?: ScenarioRun;
}

export interface HoverResult {
  readonly markdown: string;
  readonly range: Token['range'];
}

export function tokenAt(parsed: ParsedScenario, line: number, character: number): Token | undefined {
  const toks = parsed.tokens[line] ?? [];
  return toks.find((t) => t.range.col <= character && character < t.range.endCol)
    ?? toks.find((t) => t.range.col <= character && character <= t.range.endCol && t.kind !== 'punct');
}

/** The state right after `line` ran (the end of the last line at or above it), without moving the cursor for good. */
export function stateAfterLine(run: ScenarioRun, line: number): KernelState | null {
  let end = -1;
  for (const s of run.sim.lineSpans()) if (s.line <= line && s.end > end) end = s.end;
  if (end < 0) return null;
  const sim = run.sim;
  const saved = sim.position;
  try {
    sim.goto(end);
    return sim.state();
  } finally {
    sim.goto(saved);
  }
}

export function hoverAt(line: number, character: number, ctx: HoverContext): HoverResult | null {
  const { parsed } = ctx;
  const tok = tokenAt(parsed, line, character);
  if (!tok) return null;
  const lineToks = parsed.tokens[line] ?? [];
  const first = lineToks[0];
  const onExpect = first?.text === 'expect';
  const md = (() => {
    if (onExpect && (tok === first || !['task', 'clock', 'errno', 'signal', 'namespace'].includes(tok.kind))) return expectHover(line, ctx);
    if (first && (HEADER_WORDS as readonly string[]).includes(first.text)) return headerHover(tok, first.text, ctx);
    switch (tok.kind) {
      case 'operation': return operationHover(tok.text, line, ctx);
      case 'clock': return clockHover(tok.text, ctx);
      case 'flag': return flagHover(tok.text);
      case 'task': return taskHover(tok.text, line, ctx);
      // the tables' own words only: 'constructor' or 'toString' showed Object's function ("[native code]")
      case 'errno': return Object.hasOwn(ERRNOS, tok.text) ? `**${tok.text}** (${own(ERRNOS as Record<string, number>, tok.text)}): ${own(ERRNO_TEXT, tok.text) ?? ''}` : null;
      case 'signal': return signalHover(tok.text);
      case 'namespace': return namespaceHover(tok.text, line, ctx);
      case 'string': case 'path': {
        const doc = PATH_DOCS.find(([re]) => re.test(tok.text.replace(/"/g, '')))?.[1];
        return doc ? `\`${tok.text}\`\n\n${doc}` : null;
      }
      case 'keyword':
        if (tok.text.startsWith('[')) return mappingHover(tok.text, ctx.profile);
        if (Object.hasOwn(FLAG_DOCS, tok.text)) return flagHover(tok.text);
        return null;
      default:
        if (Object.hasOwn(FLAG_DOCS, tok.text)) return flagHover(tok.text);
        if (Object.hasOwn(CLOCK_DOCS, tok.text)) return clockHover(tok.text, ctx);
        return null;
    }
  })();
  return md ? { markdown: md, range: tok.range } : null;
}

function operationHover(word: string, line: number, ctx: HoverContext): string | null {
  const doc = describeOperation(word, ctx.profile);
  if (!doc) return null;
  const p = ctx.profile;
  const parts = [`**${doc.signature}**`, doc.summary];
  const recorded = ctx.run?.valid ? lineCallPaths(ctx.run.sim, line) : [];
  if (recorded.length) {
    parts.push(`**Kernel call path** (this line, ${profileLabel(p)}):\n\n${recorded.map(callPathMarkdown).join('\n\n')}`);
  } else if (doc.callPaths.length) {
    parts.push(`**Kernel call path** (what the model does for \`${doc.example}\` on ${profileLabel(p)}):\n\n${doc.callPaths.map(callPathMarkdown).join('\n\n')}`);
  }
  if (doc.differences.length) {
    // Mark the newest version note that applies to this profile.
    const versioned = doc.differences.filter((d) => /^\d+\.\d+$/.test(d.since));
    const current = versioned.filter((d) => compareVersions(p.kernel, d.since) >= 0).pop();
    parts.push('**Across versions:**\n\n' + doc.differences.map((d) => `- ${d === current ? '▶ ' : ''}*${/^\d/.test(d.since) ? `${d.since}+` : d.since}*: ${d.text}`).join('\n'));
  }
  const outcome = ctx.run?.outcomes.find((o) => o.line === line);
  if (outcome) parts.push(`**This run:** ${resultText(outcome.result)}`);
  return parts.join('\n\n');
}

function clockHover(name: string, ctx: HoverContext): string | null {
  const id = own(CLOCKS as Record<string, number>, name);
  const doc = own(CLOCK_DOCS, name);
  if (id === undefined || !doc) return null;
  return `**${name}** (clock id ${id})\n\n${doc.note}. Offset in a time namespace: **${doc.offset}**.\n\nvDSO: ${doc.vdso}${ctx.profile.arch === 'arm64' && !versionAtLeast(ctx.profile.kernel, '5.9') ? ' (arm64 before 5.9 has no time namespaces)' : ''}`;
}

function flagHover(name: string): string | null {
  for (const table of Object.values(FLAG_TABLES)) {
    const value = own(table, name);
    const doc = own(FLAG_DOCS, name);
    if (value !== undefined) return `**${name}** = 0x${value.toString(16)}${doc ? `\n\n${doc}` : ''}`;
  }
  return null;
}

function signalHover(name: string): string | null {
  if (!Object.hasOwn(SIGNALS, name)) return null;
  const why: Record<string, string> = {
    SIGBUS: 'A vvar fault the handler refuses: the timens slot in the root namespace, or a page past the end',
    SIGSEGV: 'An access where nothing is mapped: e.g. the vDSO reading a moved or unmapped [vvar], or PROT_NONE',
    SIGCHLD: 'The usual exit signal of a child',
  };
  return `**${name}** (${own(SIGNALS as Record<string, number>, name)})${own(why, name) ? `\n\n${why[name]}` : ''}`;
}

function mappingHover(name: string, profile: Profile): string {
  if (name === '[vdso]') return '**[vdso]**: the vDSO text. It finds its data page at a fixed distance below itself.';
  const pages: string[] = [];
  for (let i = 0; i < 6; i++) {
    const role = pageRole(profile, name, i);
    if (role === 'past the end') break;
    pages.push(`${i}: ${role}`);
  }
  return `**${name}** on ${profileLabel(profile)}: ${pages.length} page${pages.length === 1 ? '' : 's'} — ${pages.join(', ')}`;
}

function taskHover(name: string, line: number, ctx: HoverContext): string {
  const def = ctx.parsed.tasks.find((t) => t.name === name);
  const head = `**${name}**${def ? (def.line < 0 ? ' — the initial task' : ` — created on line ${def.line + 1}`) : ''}`;
  if (!ctx.run || !ctx.run.valid) return `${head}\n\nRun the scenario to see its state at this line.`;
  const state = stateAfterLine(ctx.run, line);
  const t = state ? own(state.tasks, name) : undefined;
  if (!state || !t) return `${head}\n\nNot created yet at this line.`;
  const p = state.nsproxies[t.nsproxy];
  const ns = p ? state.timeNamespaces[p.time_ns] : undefined;
  const rows = [
    `| after line ${line + 1} | |`, '|---|---|',
    `| pid / tgid | ${t.pid} / ${t.tgid}${t.leader !== t.id ? ` (thread of ${t.leader})` : ''} |`,
    `| uid / euid | ${t.uid} / ${t.euid} in ${t.userNs}${t.fullCaps ? ', full caps' : ', no caps'} |`,
    `| time_ns | ${p?.time_ns ?? '?'}${ns ? ` (monotonic ${formatOffset(ns.offsets.monotonic)}, boottime ${formatOffset(ns.offsets.boottime)})` : ''} |`,
    `| time_ns_for_children | ${p?.time_ns_for_children ?? '?'} |`,
    `| state | ${t.state} |`,
    `| last result | ${t.lastResult ? resultText(t.lastResult).replace(/\|/g, '\\|') : 'none'} |`,
  ];
  return `${head}\n\n${rows.join('\n')}`;
}

function namespaceHover(name: string, line: number, ctx: HoverContext): string | null {
  if (!/^ns#\d+$/.test(name)) return `**${name}**`;
  if (!ctx.run || !ctx.run.valid) return `**${name}**: time namespaces are numbered in order of creation (ns#0 is the initial one). Run the scenario to see its state.`;
  const state = stateAfterLine(ctx.run, line);
  const ns = state?.timeNamespaces[name];
  if (!ns) return `**${name}** does not exist yet at line ${line + 1}.`;
  return [
    `**${name}** time:[${ns.inum}] after line ${line + 1}${ns.alive ? '' : ' — freed'}`,
    `offsets: monotonic ${formatOffset(ns.offsets.monotonic)}, boottime ${formatOffset(ns.offsets.boottime)}`,
    `frozen_offsets: ${ns.frozen_offsets} · vvar_page: ${ns.vvar_page ?? 'NULL'} · owner ${ns.userNs}`,
    `in it: ${ns.refs.time_ns.join(', ') || 'nobody'} · time_for_children of: ${ns.refs.time_ns_for_children.join(', ') || 'nobody'}`,
  ].join('\n\n');
}

function headerHover(tok: Token, word: string, ctx: HoverContext): string | null {
  if (word === 'arch') {
    return `**arch ${ctx.parsed.header.arch ?? tok.text}**\n\nx86_64: time namespaces since 5.6. arm64: since 5.9 (the series "arm64: add the time namespace support", June 2020), whose patches can be switched off with \`patch off ID\`.`;
  }
  if (word === 'kernel') {
    const v = ctx.parsed.header.kernel;
    return `**kernel ${v ?? tok.text}**${v ? ` — ${kernelDetail(v) || 'modelled version'}` : ''}\n\nBehaviour between two modelled versions follows the older one. Known: ${KERNEL_VERSIONS.join(', ')}.`;
  }
  if (word === 'build') {
    const status = buildStatusOf(ctx.profile);
    return `**build forced**: run a kernel that does not build (a patch of the arm64 series left out that a later patch, or the generic time-namespace code, needs) as a *forced build*: the merged code with the patch reverted and each missing symbol supplied in the most literal way (docs/model-arm64-patches.md). It is labelled "${FORCED_BUILD}" wherever the run is shown.\n\n${status.builds ? 'This profile builds: the line changes nothing.' : status.reasons.join('.\n\n')}`;
  }
  if (word === 'design') return designHover(ctx.profile.design);
  if (word === 'machine') {
    const key = Object.hasOwn(MACHINE_KEYS, tok.text) ? tok.text : null;
    const m = machineOf(ctx.profile);
    const now = `This run: root ${m.capSysResource ? 'has' : 'lacks'} CAP_SYS_RESOURCE, ${m.rtc ? 'an RTC' : 'no RTC'}, clocksource ${m.clocksource}.`;
    if (key) return `**machine ${key}=…**\n\n${MACHINE_KEYS[key].doc}.\n\n${now}`;
    return `**machine KEY=VALUE …**: properties of the machine, not of the kernel: ${Object.keys(MACHINE_KEYS).join(', ')}. \`timens verify\` uses the real machine's.\n\n${now}`;
  }
  if (word === 'config') return configHover(tok.text, ctx.profile);
  const patch = ARM64_PATCHES.find((p) => p.id === tok.text || String(p.n) === tok.text);
  if (patch) {
    return `**Patch ${patch.n}/6: ${patch.title}**\n\nMerged as ${patch.commit} (v5, 24 June 2020; first release 5.9). v4 (16 June 2020): ${patch.v4}.` +
      (patchesApply(ctx.profile) ? '' : '\n\n(Has no effect on this profile: the series applies to arm64 5.9 and later.)');
  }
  return `**patch off ID**: run without one patch of the arm64 series: ${ARM64_PATCHES.map((p) => `${p.n} ${p.id}`).join(', ')}`;
}

function expectHover(line: number, ctx: HoverContext): string | null {
  const ex = ctx.parsed.expectations.find((x) => x.line === line);
  if (!ex) return null;
  const outcome: ExpectOutcome | undefined = ctx.run?.expectations.find((o) => o.expectation.line === line);
  if (!outcome) return `**expect ${ex.text}**\n\nRun the scenario to check it (against the state right after the operation above).`;
  return `**expect ${ex.text}** — ${outcome.passed ? '✓ held' : '✗ failed'}\n\nFound: \`${outcome.actual}\`\n\n${outcome.message}`;
}

/** A design that was never merged: what it is, and each behaviour with where it comes from (a seed, or our choice). */
function designHover(name: DesignName | undefined): string {
  const d = designOf(name);
  const tags = d.behaviours.map((b) => `- ${tagText(b.tag)}`).join('\n');
  return `**design ${d.name}** — ${d.title}\n\n${d.summary}\n\n${tags}\n\nAn operation this design leaves undefined is refused in the run with the reason. Designs: ${DESIGNS.join(', ')} (\`timens compare --design a,b FILE\`, "Timens: Compare Designs").`;
}
