// The "nothing stored" sentinel, as dogpile's NO_VALUE: distinct from every storable value,
// undefined and null included.
class NoValue {
  toString() {
    return "NO_VALUE";
  }
  get [Symbol.toStringTag]() {
    return "NO_VALUE";
  }
}
// Typed as index.d.ts declares it, a unique symbol, so `v !== NO_VALUE` narrows in checked code too.
/** @type {import("./index.js").NoValue} */
export const NO_VALUE = /** @type {never} */ (Object.freeze(new NoValue()));
