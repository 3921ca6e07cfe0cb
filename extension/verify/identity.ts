// Namespace identity as a bijection: the kernel names a namespace by its inode number, the model by ns#N or
// user#N. Each pair seen must agree with every earlier pair; a name that maps two ways is a disagreement.
// A model name that is freed (alive: false) releases its inode, which the kernel may then give to another.

export interface IdentityClash {
  readonly kernel: number;
  readonly model: string;
  /** The other side of the clash: the model name this inode already stood for, or the inode this name had. */
  readonly was: string;
  readonly message: string;
}

export class Bijection {
  private readonly k2m = new Map<number, string>();
  private readonly m2k = new Map<string, number>();

  constructor(private readonly what: string) {}

  /** Records that kernel inode `k` is model name `m`; returns the clash, if any (the new pair is kept). */
  pair(k: number, m: string): IdentityClash | null {
    const m0 = this.k2m.get(k);
    const k0 = this.m2k.get(m);
    let clash: IdentityClash | null = null;
    if (m0 !== undefined && m0 !== m) {
      clash = { kernel: k, model: m, was: m0, message: `the kernel's ${this.what} [${k}] is the model's ${m0} and also ${m}` };
    } else if (k0 !== undefined && k0 !== k) {
      clash = { kernel: k, model: m, was: `[${k0}]`, message: `the model's ${m} is two kernel ${this.what}s, [${k0}] and [${k}]` };
    }
    if (m0 !== undefined) this.m2k.delete(m0);
    if (k0 !== undefined) this.k2m.delete(k0);
    this.k2m.set(k, m);
    this.m2k.set(m, k);
    return clash;
  }

  /** Forgets a model name that the model freed. */
  release(m: string): void {
    const k = this.m2k.get(m);
    if (k === undefined) return;
    this.m2k.delete(m);
    if (this.k2m.get(k) === m) this.k2m.delete(k);
  }

  modelOf(k: number): string | undefined {
    return this.k2m.get(k);
  }

  kernelOf(m: string): number | undefined {
    return this.m2k.get(m);
  }
}
