// What backends and proxies see: a payload with its metadata (dogpile's CachedValue).
// `metadata.ct` is the creation time in seconds, `metadata.v` the envelope version, and
// `metadata.tags` (tagged entries only) the entry's tags, `metadata.valueVersion` the
// region's valueVersion (absent when the region sets none), and `metadata.d` (when known) how
// long the value's creation took, in seconds: early refresh's δ.
export class CachedValue {
  constructor(payload, metadata) {
    this.payload = payload;
    this.metadata = metadata;
  }
}

export function makeCachedValue(payload, ct, v, tags, valueVersion, d) {
  const metadata = { ct, v };
  if (tags !== undefined) metadata.tags = tags;
  if (valueVersion) metadata.valueVersion = valueVersion;
  if (d !== undefined) metadata.d = d;
  return new CachedValue(payload, metadata);
}
