//! get-or-create for many keys: one backend read for all of them, one creator call with
//! exactly the keys that need a value, the same per-key lock as the single form.

use std::collections::HashMap;

use futures::FutureExt;

use super::{CreateOptions, MultiCreator, Region};
use crate::api::{CachedValue, Ttl};
use crate::error::{Error, Result};
use crate::events::{Event, EventKind};
use crate::lock::{decide, Action, State};

use super::inflight::Creation;

impl<P: Clone + 'static> Region<P> {
    /// Values for `keys`, in order. Keys that are missing or stale and not already being
    /// created in this isolate go to a single `creator` call (caller keys, not mangled, each
    /// once); keys another caller is creating are waited for; stale keys someone else is
    /// regenerating are served stale.
    pub async fn get_or_create_multi(
        &self,
        keys: &[String],
        creator: MultiCreator<P>,
        opts: CreateOptions<P>,
    ) -> Result<Vec<P>> {
        let ttl = opts.ttl.unwrap_or(self.inner.ttl);
        // A key asked for twice is read and created once.
        let mut unique: Vec<(String, String)> = Vec::new();
        let mut slot_of: HashMap<String, usize> = HashMap::new();
        let mut slots = Vec::with_capacity(keys.len());
        for key in keys {
            let mangled = self.mangle(key)?.into_owned();
            let next = unique.len();
            let slot = *slot_of.entry(mangled.clone()).or_insert(next);
            if slot == next {
                unique.push((key.clone(), mangled));
            }
            slots.push(slot);
        }
        let mangled: Vec<String> = unique.iter().map(|(_, m)| m.clone()).collect();
        let fresh = |cv: &CachedValue<P>| self.inner.state(Some(cv), ttl) == State::Fresh;
        let found = self.inner.io(self.inner.backend.get_multi_usable(&mangled, &fresh)).await?;

        let mut values: Vec<Option<P>> = vec![None; unique.len()];
        let mut waits: Vec<(usize, Creation<P>)> = Vec::new();
        let mut waiting_on_others = false;
        let mut to_create: Vec<usize> = Vec::new();
        for (i, cv) in found.into_iter().enumerate() {
            let Some(mkey) = mangled.get(i) else { break };
            let state = self.inner.state(cv.as_ref(), ttl);
            let cv = self.inner.checked(mkey, cv, state, opts.check.as_ref(), ttl, &opts.degradation).await?;
            let state = if cv.is_none() { State::Missing } else { state };
            let running = match self.inner.creation(mkey) {
                Some((_, true)) if state == State::Missing => None, // see CreationEntry::background
                other => other.map(|(c, _)| c),
            };
            match (decide(state, running.is_some(), false), cv, running) {
                (action @ (Action::Serve | Action::ServeStale), Some(cv), _) => {
                    let kind = if action == Action::Serve { EventKind::Hit } else { EventKind::StaleServed };
                    self.inner.emit(kind, mkey);
                    values[i] = Some(cv.payload);
                }
                (Action::Wait, _, Some(creation)) => {
                    self.inner.emit(EventKind::Miss, mkey);
                    waiting_on_others = true;
                    waits.push((i, creation));
                }
                _ => {
                    self.inner.emit(EventKind::Miss, mkey);
                    to_create.push(i);
                }
            }
        }
        if !to_create.is_empty() {
            let batch = self.start_batch(&unique, &to_create, ttl, creator, opts);
            waits.extend(batch);
        }
        let _hold = waiting_on_others.then(|| self.inner.hold());
        for (i, creation) in waits {
            let v = creation.await?;
            if let Some(slot) = values.get_mut(i) {
                *slot = Some(v);
            }
        }
        slots
            .into_iter()
            .map(|s| values.get(s).cloned().flatten().ok_or_else(|| Error::backend("a key was left without a value")))
            .collect()
    }

    /// One creator call for the keys at `indices`, registered per key so concurrent callers
    /// wait on it instead of creating the same keys again.
    fn start_batch(
        &self,
        unique: &[(String, String)],
        indices: &[usize],
        ttl: Ttl,
        creator: MultiCreator<P>,
        opts: CreateOptions<P>,
    ) -> Vec<(usize, Creation<P>)> {
        let picked: Vec<(String, String)> = indices.iter().filter_map(|&i| unique.get(i).cloned()).collect();
        let caller_keys: Vec<String> = picked.iter().map(|(k, _)| k.clone()).collect();
        let mkeys: Vec<String> = picked.iter().map(|(_, m)| m.clone()).collect();
        let ids: Vec<u64> = mkeys.iter().map(|_| self.inner.next_creation_id()).collect();
        let owned_ids = ids.clone();
        let inner = self.inner.clone();
        let (batch, start) = self.inner.share(
            async move {
                let result = create_batch(&inner, &mkeys, caller_keys, ttl, creator, &opts).await;
                for (k, id) in mkeys.iter().zip(owned_ids) {
                    inner.finish_creation(k, id);
                    if result.is_ok() {
                        inner.superseded(k);
                    }
                }
                result
            }
            .boxed_local(),
        );

        let mut per_key = Vec::with_capacity(indices.len());
        for (pos, ((&i, (_, mkey)), id)) in indices.iter().zip(picked.iter()).zip(ids).enumerate() {
            let one: Creation<P> = batch
                .clone()
                .map(move |r| {
                    r.and_then(|vs| vs.get(pos).cloned().ok_or_else(|| Error::backend("creator result too short")))
                })
                .boxed_local()
                .shared();
            self.inner.register_creation(mkey.clone(), id, one.clone(), false);
            per_key.push((i, one));
        }
        self.inner.start(start);
        per_key
    }
}

async fn create_batch<P: Clone + 'static>(
    inner: &super::Inner<P>,
    mkeys: &[String],
    caller_keys: Vec<String>,
    ttl: Ttl,
    creator: MultiCreator<P>,
    opts: &CreateOptions<P>,
) -> Result<Vec<P>> {
    let wanted = caller_keys.len();
    mkeys.iter().for_each(|k| inner.emit(EventKind::RegenerationStart, k));
    // A result of the wrong length is the creator's failure, counted and reported as one.
    let created = creator(caller_keys).await.and_then(|values| {
        if values.len() == wanted {
            Ok(values)
        } else {
            Err(Error::validation(format!(
                "the multi creator returned {} values for {} keys; it must return one per key, in order",
                values.len(),
                wanted
            )))
        }
    });
    for k in mkeys {
        let err = created.as_ref().err();
        inner.event(Event { kind: EventKind::RegenerationEnd, key: k, error: err, ok: err.is_none() });
    }
    if let (Err(e), Some(k)) = (&created, mkeys.first()) {
        inner.event(Event { kind: EventKind::CreatorError, key: k, error: Some(e), ok: false });
    }
    let values = created?;
    let ct = inner.creation_time(&opts.tags);
    let mut store = Vec::new();
    for (k, v) in mkeys.iter().zip(values.iter()) {
        let keep = match &opts.should_cache {
            Some(f) => f(v)?,
            None => true,
        };
        if keep {
            store.push((k.clone(), inner.stamp(v.clone(), ct).with_tags(opts.tags.clone())));
        }
    }
    if !store.is_empty() {
        let first = store.first().map(|(k, _)| k.clone()).unwrap_or_default();
        if let Err(e) = inner.io(inner.backend.set_multi(store, ttl)).await {
            inner.report(&first, &e);
        }
    }
    Ok(values)
}
