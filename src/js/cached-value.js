// What backends and proxies see: a payload with its metadata (dogpile's CachedValue).
// `metadata.ct` is the creation time in seconds, `metadata.v` the envelope version, and
// `metadata.tags` (tagged entries only) the entry's tags, `metadata.d` (when known) how long its
// creation took, in seconds: early refresh's δ.
export class CachedValue {
  constructor(payload, metadata) {
    this.payload = payload;
    this.metadata = metadata;
  }
}

export function makeCachedValue(payload, ct, v, tags, d) {
  return new CachedValue(payload, metadataOf(ct, v, tags, d));
}

/** `{ ct, v }` with `tags` and `d` only when present: most entries have neither. */
export function metadataOf(ct, v, tags, d) {
  if (d === undefined) return tags === undefined ? { ct, v } : { ct, v, tags };
  return tags === undefined ? { ct, v, d } : { ct, v, tags, d };
}
