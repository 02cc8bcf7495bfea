// What backends and proxies see: a payload with its metadata (dogpile's CachedValue).
// `metadata.ct` is the creation time in seconds, `metadata.v` the envelope version, and
// `metadata.tags` (tagged entries only) the entry's tags.
export class CachedValue {
  constructor(payload, metadata) {
    this.payload = payload;
    this.metadata = metadata;
  }
}

export function makeCachedValue(payload, ct, v, tags) {
  return new CachedValue(payload, tags === undefined ? { ct, v } : { ct, v, tags });
}
