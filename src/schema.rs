//! The names and defaults the JS API shares with the core, defined once: events, counters, error
//! classes, degradation options, default settings and platform limits. The JS layer reads them from the module
//! (`schema()`), and a test checks the package's types (`index.d.ts`) against them, so a name
//! changed here and missed there fails `npm test`.

use crate::events::{EventKind, StatsSnapshot};

/// Event names, as `region.on(name, …)` takes them.
pub fn events() -> Vec<&'static str> {
    EventKind::ALL.iter().map(|k| k.name()).collect()
}

/// Counter names, as `region.stats()` returns them (the JS layer adds `hitRatio` and `l1Hits`).
pub fn stats() -> Vec<&'static str> {
    StatsSnapshot::default().named().iter().map(|(name, _)| *name).collect()
}

/// Error classes a caller can receive (a creator's own error passes through unwrapped).
pub const ERROR_CLASSES: [&str; 6] = [
    "RegionNotConfigured",
    "RegionAlreadyConfigured",
    "ValidationError",
    "BackendError",
    "LockTimeout",
    "TimeoutError",
];

/// Degradation options, per region (`configure`) and per call (`getOrCreate`), in seconds.
pub const DEGRADATION: [&str; 4] = ["staleIfError", "creatorSoftTimeout", "creatorTimeout", "backendTimeout"];

/// Defaults the JS layer applies and documents.
pub fn defaults() -> [(&'static str, f64); 4] {
    [
        ("maxEntries", crate::backends::DEFAULT_MAX_ENTRIES as f64),
        ("leaseTtl", crate::lease::DEFAULT_LEASE_TTL),
        ("lockTimeout", crate::lease::DEFAULT_LOCK_TIMEOUT),
        ("valueVersion", f64::from(crate::api::VALUE_VERSION)),
    ]
}

/// Platform limits the JS backends apply as the Rust ones do (`crate::limits`).
pub fn limits() -> [(&'static str, f64); 4] {
    [
        ("kvMaxKeyBytes", crate::limits::KV_MAX_KEY_BYTES as f64),
        ("kvMinTtl", crate::limits::KV_MIN_TTL),
        ("minStaleTtl", crate::limits::MIN_STALE_TTL),
        ("maxValueDepth", crate::limits::MAX_VALUE_DEPTH as f64),
    ]
}
