// A Worker that reads what a Node process stored: the bytes of one Redis entry, posted as they
// are, decoded with edgepile's envelope (as a Worker reading the same store would), described so
// the test can compare types across runtimes.
import { decodeCachedValue } from "edgepile";

export default {
  async fetch(request) {
    const cv = decodeCachedValue(new Uint8Array(await request.arrayBuffer()));
    const v = cv.payload;
    return Response.json({
      dateIsDate: v.at instanceof Date,
      dateIso: v.at instanceof Date ? v.at.toISOString() : null,
      bigIsBigInt: typeof v.big === "bigint",
      big: String(v.big),
      mapIsMap: v.map instanceof Map,
      mapEntries: v.map instanceof Map ? [...v.map] : null,
      setIsSet: v.tags instanceof Set,
      undefinedKept: "gone" in v && v.gone === undefined,
    });
  },
};
