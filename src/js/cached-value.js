// What backends and proxies see: a payload with its metadata (dogpile's CachedValue).
// `metadata.ct` is the creation time in seconds, `metadata.v` the envelope version, and
// `metadata.tags` (tagged entries only) the entry's tags, and `metadata.valueVersion` the
// region's valueVersion (absent when the region sets none).
export class CachedValue {
  constructor(payload, metadata) {
    this.payload = payload;
    this.metadata = metadata;
  }
}

export function makeCachedValue(payload, ct, v, tags, valueVersion) {
  const metadata = { ct, v };
  if (tags !== undefined) metadata.tags = tags;
  if (valueVersion) metadata.valueVersion = valueVersion;
  return new CachedValue(payload, metadata);
}
