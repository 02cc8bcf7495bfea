//! Platform limits and physical lifetimes, defined once for every backend: the Rust
//! `workers_rs::KvBackend` uses them directly, and the JS backends read them from the module
//! (`schema().limits`, `physicalTtl`, `kvKeyProblem`), so both sides store and refuse alike.

/// Workers KV refuses keys longer than this many UTF-8 bytes.
pub const KV_MAX_KEY_BYTES: usize = 512;
/// Workers KV's shortest `expirationTtl`, seconds.
pub const KV_MIN_TTL: f64 = 60.0;
/// The default stale window, seconds: a value is kept as long again as its expiration past it,
/// and at least this long, so it can be served while one caller regenerates it.
pub const MIN_STALE_TTL: f64 = 60.0;
/// Values nested deeper than this are refused before they are stored (encoders recurse, and a
/// stack overflow would kill the module). Decoders allow more: `codec::MAX_DEPTH`. 128, so that
/// the Rust reader (rmpv, which spends about two units of its limit per level) reads every value
/// the JS package stores.
pub const MAX_VALUE_DEPTH: usize = 128;

/// How long a byte store keeps a value physically, in seconds, when the region's expiration is
/// `ttl` seconds (`None` or negative: it never expires, and neither does the stored value):
/// long enough to serve it stale for `stale_ttl` more seconds (default: as long as `ttl`, at
/// least [`MIN_STALE_TTL`]), never below the store's `floor`.
pub fn physical_ttl(ttl: Option<f64>, stale_ttl: Option<f64>, floor: f64) -> Option<f64> {
    let ttl = ttl.filter(|t| *t >= 0.0)?;
    let stale = stale_ttl.unwrap_or(ttl.max(MIN_STALE_TTL));
    Some((ttl + stale).ceil().max(floor))
}

/// Why Workers KV would refuse `key`, or `None` when it takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvKeyProblem {
    /// `""`, `"."` or `".."`: KV has no such key.
    Reserved,
    /// Longer than [`KV_MAX_KEY_BYTES`] (the length in bytes).
    TooLong(usize),
}

pub fn kv_key_problem(key: &str) -> Option<KvKeyProblem> {
    if matches!(key, "" | "." | "..") {
        return Some(KvKeyProblem::Reserved);
    }
    (key.len() > KV_MAX_KEY_BYTES).then_some(KvKeyProblem::TooLong(key.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_ttl_covers_expiry_and_stale_serving() {
        assert_eq!(physical_ttl(None, None, 60.0), None);
        assert_eq!(physical_ttl(Some(-1.0), Some(5.0), 60.0), None);
        assert_eq!(physical_ttl(Some(1.0), None, 60.0), Some(61.0));
        assert_eq!(physical_ttl(Some(300.0), None, 60.0), Some(600.0));
        assert_eq!(physical_ttl(Some(300.0), Some(0.0), 60.0), Some(300.0));
        assert_eq!(physical_ttl(Some(1.5), Some(0.0), 1.0), Some(2.0));
        assert_eq!(physical_ttl(Some(0.0), Some(0.0), 60.0), Some(60.0));
    }

    #[test]
    fn kv_keys_are_checked_as_kv_does() {
        assert_eq!(kv_key_problem(""), Some(KvKeyProblem::Reserved));
        assert_eq!(kv_key_problem(".."), Some(KvKeyProblem::Reserved));
        assert_eq!(kv_key_problem("..."), None);
        assert_eq!(kv_key_problem(&"a".repeat(512)), None);
        assert_eq!(kv_key_problem(&"a".repeat(513)), Some(KvKeyProblem::TooLong(513)));
        assert_eq!(kv_key_problem(&"é".repeat(257)), Some(KvKeyProblem::TooLong(514)));
    }
}
