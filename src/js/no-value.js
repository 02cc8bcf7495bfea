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
export const NO_VALUE = Object.freeze(new NoValue());
