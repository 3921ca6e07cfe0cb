// A file name no file has yet (`name`, `name-2`, `name-3`, …), for the commands that create a file: a new
// scenario, a recorded tour. They never write over a file the user has. No VS Code types, so it is unit-tested.

/** `stem-n.ext` for n ≥ 2 (`scenario-2.timens`, `before-5.11-2.timens`, `review-2.tour.json`). */
export function numberedName(name: string, n: number): string {
  if (n < 2) return name;
  const dot = name.endsWith('.tour.json') ? name.length - '.tour.json'.length : name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
}

/** The first of name, name-2, … that `taken` says is free. */
export async function freeName(name: string, taken: (candidate: string) => Promise<boolean> | boolean): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = numberedName(name, n);
    if (!(await taken(candidate))) return candidate;
  }
}
