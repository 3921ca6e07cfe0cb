// Who allocates on the extension host during a phase: V8's sampling heap profiler (inspector), the allocation
// sites by bytes allocated in the phase (collected since or not), each with its script and callers. For finding
// what sets off a phase's collections (TIMENS_BENCH_HEAP=PHASE prints them for that phase).
import * as inspector from 'inspector';

interface SamplingNode { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: SamplingNode[] }

function post<T>(s: inspector.Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** Runs `work` under the sampling heap profiler; returns the top allocation sites ("MB function script:line < caller"). */
export async function allocationSites<T>(work: () => Promise<T>, top = 12): Promise<{ value: T; sites: string[] }> {
  const s = new inspector.Session();
  s.connect();
  try {
    await post(s, 'HeapProfiler.enable');
    await post(s, 'HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const value = await work();
    const { profile } = await post<{ profile: { head: SamplingNode } }>(s, 'HeapProfiler.stopSampling');
    const sites = new Map<string, number>();
    const name = (n: SamplingNode): string => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
    const walk = (n: SamplingNode, parents: string[]): void => {
      if (n.selfSize > 0) {
        const key = [name(n), ...parents.slice(-3).reverse()].join(' < ');
        sites.set(key, (sites.get(key) ?? 0) + n.selfSize);
      }
      for (const c of n.children) walk(c, [...parents, name(n)]);
    };
    walk(profile.head, []);
    return { value, sites: [...sites].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${(v / 2 ** 20).toFixed(1)} MB ${k}`) };
  } finally {
    s.disconnect();
  }
}
