// Random values of every type edgepile stores, and equality as structuredClone defines it: for
// the property tests of values.test.js.

/** A seeded PRNG (mulberry32), so a failing case can be replayed. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (n) => Math.floor(next() * n);
  next.pick = (list) => list[next.int(list.length)];
  return next;
}

export const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  ...(typeof Float16Array === "function" ? [Float16Array] : []),
];

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.75,
  1e-300,
  2 ** 53 - 1,
  -(2 ** 53) + 1,
  2 ** 53,
  2 ** 64,
  1.7976931348623157e308,
  NaN,
  Infinity,
  -Infinity,
  255,
  256,
  -129,
  65536,
];
const STRINGS = ["", "a", "héllo", "日本語", "🦀 crab", "__proto__", "constructor", "x".repeat(40), "line\nbreak", "\u0000nul"];
const BIGINTS = [0n, 10n, -1n, 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 2n ** 200n + 7n, -(3n ** 99n)];
const DATES = [0, 1_700_000_000_123, 1_700_000_000_000, -1, -62_135_596_800_000, 8.64e15, -8.64e15, 2 ** 35 * 1000, NaN];

function bytes(r, n) {
  return Uint8Array.from({ length: n }, () => r.int(256));
}

/** A leaf: a primitive, or an object stored whole (Date, RegExp, buffers and views). */
function leaf(r) {
  switch (r.int(14)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return r() < 0.5;
    case 3:
      return r.pick(NUMBERS);
    case 4:
      return (r() - 0.5) * 10 ** r.int(12);
    case 5:
      return r.int(1000);
    case 6:
      return r.pick(STRINGS);
    case 7:
      return r.pick(BIGINTS) * (r() < 0.5 ? 1n : -1n);
    case 8:
      return new Date(r.pick(DATES));
    case 9:
      return r.pick([/a+b/g, /^x$/imsu, /[\d]{2,}/y, /(?<year>\d{4})/d]);
    case 10:
      return bytes(r, r.int(20)).buffer;
    case 11: {
      const buf = bytes(r, 48).buffer;
      return r() < 0.5 ? new DataView(buf) : new DataView(buf, 8, r.int(32));
    }
    default: {
      const T = r.pick(TYPED_ARRAYS);
      const n = r.int(6);
      const buf = bytes(r, (n + 2) * T.BYTES_PER_ELEMENT).buffer;
      // sometimes a view into a larger buffer: only what it sees is stored
      return r() < 0.3 ? new T(buf, T.BYTES_PER_ELEMENT, n) : new T(buf, 0, n);
    }
  }
}

/** A random nested value; `shared` collects objects, some of which appear again. */
export function value(r, depth = 0, shared = []) {
  if (shared.length > 0 && r() < 0.05) return r.pick(shared);
  if (depth >= 4 || r() < 0.45) {
    const v = leaf(r);
    if (v !== null && typeof v === "object") shared.push(v);
    return v;
  }
  let out;
  const n = r.int(5);
  switch (r.int(5)) {
    case 0: {
      out = [];
      for (let i = 0; i < n; i++) out.push(value(r, depth + 1, shared));
      if (r() < 0.2) out.length += 2; // trailing holes
      if (n > 1 && r() < 0.2) delete out[0]; // a hole inside
      break;
    }
    case 1:
    case 2: {
      out = r() < 0.1 ? Object.create(null) : {};
      for (let i = 0; i < n; i++) {
        // defineProperty: assigning "__proto__" would set the prototype instead
        const v = value(r, depth + 1, shared);
        Object.defineProperty(out, r.pick(STRINGS) + (r() < 0.5 ? i : ""), {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      break;
    }
    case 3: {
      out = new Map();
      for (let i = 0; i < n; i++) out.set(r() < 0.5 ? r.pick(STRINGS) + i : value(r, depth + 1, shared), value(r, depth + 1, shared));
      break;
    }
    default: {
      out = new Set();
      for (let i = 0; i < n; i++) out.add(value(r, depth + 1, shared));
    }
  }
  shared.push(out);
  return out;
}

const tag = (v) => Object.prototype.toString.call(v);
const viewBytes = (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Where `b` differs from `a` as a structuredClone copy would (undefined when it does not):
 * same types, Object.is for primitives (-0 and NaN included), same keys in the same order, holes
 * where holes were, and the same sharing: an object met twice in `a` is one object in `b`.
 */
export function difference(a, b, path = "", pairs = new Map()) {
  if (a === null || typeof a !== "object") {
    return Object.is(a, b) ? undefined : `${path || "top"}: ${String(b)} instead of ${String(a)}`;
  }
  if (b === null || typeof b !== "object") return `${path}: ${String(b)} instead of an object`;
  if (pairs.has(a)) return pairs.get(a) === b ? undefined : `${path}: a copy where one object was shared`;
  pairs.set(a, b);
  // a Node Buffer reads back as a Uint8Array, as it does from structuredClone
  // null-prototype objects read back as plain objects, as from structuredClone
  const proto = (v) => (v instanceof Uint8Array ? Uint8Array.prototype : (Object.getPrototypeOf(v) ?? Object.prototype));
  if (proto(a) !== proto(b)) return `${path}: ${tag(b)} instead of ${tag(a)}`;
  if (a instanceof Date) return Object.is(a.getTime(), b.getTime()) ? undefined : `${path}: ${b.getTime()} instead of ${a.getTime()}`;
  if (a instanceof RegExp) return a.source === b.source && a.flags === b.flags ? undefined : `${path}: ${b} instead of ${a}`;
  if (a instanceof ArrayBuffer) return sameBytes(new Uint8Array(a), new Uint8Array(b)) ? undefined : `${path}: other bytes`;
  if (ArrayBuffer.isView(a)) return sameBytes(viewBytes(a), viewBytes(b)) ? undefined : `${path}: other bytes`;
  if (a instanceof Map || a instanceof Set) {
    const ea = [...a];
    const eb = [...b];
    if (ea.length !== eb.length) return `${path}: ${eb.length} entries instead of ${ea.length}`;
    for (let i = 0; i < ea.length; i++) {
      const d = difference(ea[i], eb[i], `${path}<entry ${i}>`, pairs);
      if (d) return d;
    }
    return undefined;
  }
  if (Array.isArray(a) && a.length !== b.length) return `${path}: length ${b.length} instead of ${a.length}`;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join("\u0001") !== kb.join("\u0001")) return `${path}: keys ${kb} instead of ${ka}`;
  for (const k of ka) {
    const d = difference(a[k], b[k], `${path}.${k}`, pairs);
    if (d) return d;
  }
  return undefined;
}
