//! Early refresh: the XFetch test (Vattani, Chierichetti, Lowenstein, "Optimal Probabilistic
//! Cache Stampede Prevention", VLDB 2015), as pure functions of numbers.
//!
//! A hit of a fresh value that expires in `remaining` seconds, whose last creation took `delta`
//! seconds, starts a background regeneration with probability exp(−remaining / (β·δ)). Hot keys
//! therefore regenerate shortly before they expire (one hit in a few is enough) while cold keys
//! almost never pay for it; β > 1 refreshes earlier, β < 1 later.

/// The default β of the paper: optimal for an exponential creation time.
pub const DEFAULT_BETA: f64 = 1.0;

/// The probability that a hit fires: exp(−remaining / (β·δ)), in [0, 1]. A value without a
/// known creation time (δ ≤ 0 or not finite), a value that never expires (`remaining` not
/// finite) and a β that is not a positive number give 0; an expired value (`remaining` ≤ 0)
/// gives 1.
pub fn probability(remaining: f64, delta: f64, beta: f64) -> f64 {
    if !(delta > 0.0 && delta.is_finite() && beta > 0.0 && beta.is_finite()) || remaining.is_nan() {
        return 0.0;
    }
    if remaining <= 0.0 {
        return 1.0;
    }
    (-remaining / (beta * delta)).exp()
}

/// Whether a hit with uniform `draw` in [0, 1) fires: `draw` < [`probability`].
pub fn fires(remaining: f64, delta: f64, beta: f64, draw: f64) -> bool {
    draw < probability(remaining, delta, beta)
}

/// A small uniform source for native regions without an injected one (xorshift64*): early
/// refresh needs spread, not secrecy.
pub struct XorShift(std::cell::Cell<u64>);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(std::cell::Cell::new(seed | 1))
    }

    /// Uniform in [0, 1).
    pub fn next(&self) -> f64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
