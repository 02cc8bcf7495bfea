//! What a region reads from a shared backend is checked before it is served: the region's value
//! version first (an entry written under another version is missing), then its value check
//! (`checkValue`/`migrate` in JS; a [`ValueCheck`]), which may call it missing, serve a
//! replacement, or store a migrated value in its place.
//!
//! A backend that answers synchronously (the memory backend) is not checked: what it holds was
//! created by this region in this isolate. A two-tier backend's L1 hits served by the JS layer
//! are not checked either (L1 holds only values that passed); in the core, with a check, L1 hits
//! come back through `get_usable` and are checked again. With a region check, a tier keeps
//! nothing it reads until the check has passed it (an async check lets other calls run, and they
//! would be served from L1); then the region has it kept, unless a write of the key came
//! meanwhile (the tier forgets a read awaiting its check when the key is written). When a
//! call's own check rejects or replaces a value, the backend forgets its L1 copy, so that copy
//! is never served unchecked.

use super::{Degradation, Inner};
use crate::api::{CachedValue, Ttl};
use crate::error::Result;
use crate::lock::State;

use super::options::{Checked, ValueCheck};

impl<P: Clone + 'static> Inner<P> {
    /// A value created at `ct`, under this region's value version.
    pub(super) fn stamp(&self, payload: P, ct: f64) -> CachedValue<P> {
        let mut cv = CachedValue::new(payload, ct);
        cv.metadata.value_version = self.value_version;
        cv
    }

    /// Whether `cv` was written under this region's value version.
    pub(super) fn current_version(&self, cv: &CachedValue<P>) -> bool {
        cv.metadata.value_version == self.value_version
    }

    /// `found` as the call may serve it: `None` when it is missing or its check fails; a
    /// replacement when the check gives one. Only values that are fresh or stale are checked
    /// (`state`: what the caller classified); a check's migrated value is written back with the
    /// creation time of the value it replaces, so migrating never extends a value's life.
    pub(super) async fn checked(
        &self,
        key: &str,
        found: Option<CachedValue<P>>,
        state: State,
        call: Option<&ValueCheck<P>>,
        ttl: Ttl,
        degradation: &Degradation,
    ) -> Result<Option<CachedValue<P>>> {
        let Some(cv) = found else { return Ok(None) };
        if state == State::Missing || self.backend.capabilities().sync_reads {
            return Ok(Some(cv));
        }
        // Cloned out: a check may reach this region again (and set a new check) while it runs.
        let check = match call {
            Some(c) => c.clone(),
            None => match self.check.borrow().clone() {
                Some(c) => c,
                None => return Ok(Some(cv)),
            },
        };
        let checked = check(&cv.payload).await?;
        if !matches!(checked, Checked::Keep) {
            // A copy kept in this isolate (a tier's L1) must not be served unchecked again.
            self.backend.forget(key);
        }
        Ok(match checked {
            Checked::Keep => {
                // Passed by the region's own check: a tier may keep it (unless the key was written
                // meanwhile, which the tier itself tracks).
                if call.is_none() {
                    self.backend.remember(key, &cv);
                }
                Some(cv)
            }
            Checked::Miss => None,
            Checked::Serve(payload) => Some(CachedValue { payload, ..cv }),
            Checked::Store(payload) => {
                let migrated = CachedValue { payload, ..cv };
                // The migrated value is served either way; a failed write is reported.
                if let Err(e) = self.io_for(degradation, self.backend.set(key, migrated.clone(), ttl)).await {
                    self.report(key, &e);
                }
                Some(migrated)
            }
        })
    }
}
