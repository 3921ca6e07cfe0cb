// Hover texts of the timekeeping words (issue 13 "mechanisms"): the `config` header line, and what it means for
// the profile of this run.

import { CONFIG_KEYS, configOf, configText } from '../../sim/config';
import type { Profile } from '../../sim/types';
import { configKey } from '../headerConfig';

/** `config CONFIG_TIME_NS=n`: the option under the pointer, or the line as a whole. */
export function configHover(word: string, profile: Profile): string {
  const key = configKey(word);
  const c = configOf(profile);
  const now = `This run: ${configText(profile.config) || 'every option at its default (y)'}${c.timeNs ? '' : ' — no time namespaces'}.`;
  if (key) return `**CONFIG_${key}**\n\n${CONFIG_KEYS[key].doc}.\n\n${now}`;
  return `**config CONFIG_NAME=y|n …**: kernel build options that differ from the default (all y): ${Object.keys(CONFIG_KEYS).map((k) => `CONFIG_${k}`).join(', ')}. The CLI's \`--config CONFIG_TIME_NS=n\` overrides it. \`timens verify\` runs the kernel as it was built.\n\n${now}`;
}
