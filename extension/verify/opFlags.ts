// The helper's operation flags (helper/helper.h reads them from the generated ops.gen.h): their one home, apart from
// operations.ts so that the files adding operations to its table can use them without an import cycle.

export const OPF_HOST = 1;
export const OPF_CREATES = 2;
export const OPF_CLOCK0 = 4;
export const OPF_BOOTREAD = 8;
/** The result depends on the host's uptime (the offsets range check): the helper reports the host clocks before
 *  (hm0, hboot0) and after it (hm, hboot). */
export const OPF_HOSTNOW = 16;
