// What backends and proxies see: a payload with its metadata (dogpile's CachedValue).
// `metadata.ct` is the creation time in seconds, `metadata.v` the envelope version, and
// `metadata.valueVersion` the region's valueVersion (absent when the region sets none).
export class CachedValue {
  constructor(payload, metadata) {
    this.payload = payload;
    this.metadata = metadata;
  }
}

export function makeCachedValue(payload, ct, v, valueVersion) {
  return new CachedValue(payload, valueVersion ? { ct, v, valueVersion } : { ct, v });
}
