//! get-or-create: the dogpile lock inside one isolate.
//!
//! Two maps per region, both keyed by the mangled key:
//! - `loading`: the one backend read in flight for a key. Concurrent callers share it, so
//!   1,000 concurrent calls on a cold key cost one read. When the read finds nothing, the
//!   shared future goes on to create, so every joiner receives the created value.
//! - `creating`: the one creation in flight for a key (the local mutex). A caller that finds
//!   a stale value while it is held gets the stale value; one that finds nothing waits on it.
//!
//! Every decision is taken by `lock::decide` at a point with no `await` between looking at the
//! maps and updating them, so interleaved promises cannot both win.

use std::cell::Cell;
use std::rc::Rc;

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;

use super::degrade::timed_out;
use super::inflight::Creation;
use super::leasing::Waited;
use super::{CreateOptions, Creator, Inner, Joined, Region};
use crate::api::{CachedValue, Ttl};
use crate::error::{Error, ErrorKind, Result};
use crate::events::{Event, EventKind};
use crate::lock::{decide, Action, State};

type Load<P> = Shared<LocalBoxFuture<'static, Result<Loaded<P>>>>;

/// A get-or-create's answer when it needed no I/O, or the rest of the call (see
/// [`Region::get_or_create_now`]).
pub enum Now<P> {
    Hit(P),
    Later(LocalBoxFuture<'static, Result<P>>),
}

pub(super) struct LoadEntry<P> {
    fut: Load<P>,
    /// Set when this key is written while the read is in flight: what the read returns is
    /// already out of date, so it must not trigger a second regeneration.
    pub(super) superseded: Rc<Cell<bool>>,
}

#[derive(Clone)]
enum Loaded<P> {
    Value(P),
    /// A stale value. `regeneration` is set when this load's initiator must wait for the new
    /// value (dogpile's blocking regenerate); everyone else takes the stale value.
    Stale {
        value: P,
        ct: f64,
        regeneration: Option<Creation<P>>,
    },
    /// Nothing was stored; this is the value created for it.
    Created(P),
}

impl<P: Clone + 'static> Region<P> {
    /// The value for `key`, created by `creator` if missing or stale, with the dogpile lock:
    /// within this region, one creation per key at a time; callers that find a stale value
    /// while it runs get the stale value, callers that find nothing wait for it.
    pub async fn get_or_create(&self, key: &str, creator: Creator<P>, opts: CreateOptions<P>) -> Result<P> {
        match self.get_or_create_now(key, creator, opts)? {
            Now::Hit(value) => Ok(value),
            Now::Later(rest) => rest.await,
        }
    }

    /// [`Region::get_or_create`] in two steps: its answer now when it needs no I/O (a fresh
    /// value the backend has without I/O: a memory hit, or the JS layer's own read of a shared
    /// store), else the rest of the call, which runs when polled. No future is built for a hit.
    pub fn get_or_create_now(&self, key: &str, creator: Creator<P>, opts: CreateOptions<P>) -> Result<Now<P>> {
        let key = self.mangle(key)?.into_owned();
        let ttl = opts.ttl.unwrap_or(self.inner.ttl);
        if let Some(value) = self.inner.hit_now(&key, ttl, &opts) {
            return Ok(Now::Hit(value));
        }
        let region = self.clone();
        Ok(Now::Later(async move { region.load_or_join(key, ttl, creator, opts).await }.boxed_local()))
    }

    /// The rest of a get-or-create of `key` (mangled) that had no answer without I/O: join the
    /// read in flight, or read, decide and create.
    async fn load_or_join(&self, key: String, ttl: Ttl, creator: Creator<P>, opts: CreateOptions<P>) -> Result<P> {
        let joined = self.inner.loading.borrow().get(&key).map(|e| e.fut.clone());
        if let Some(load) = joined {
            // Another call's read: its I/O belongs to that call's request, not this one.
            let _hold = self.inner.hold();
            let loaded = load.await;
            self.inner.note_joined(&key, || joined_view(&loaded));
            let loaded = loaded?;
            self.inner.emit(loaded.event(), &key);
            return Ok(loaded.into_value());
        }
        let degradation = opts.degradation.or(self.inner.degradation);
        let superseded = Rc::new(Cell::new(false));
        let (load, start) = self
            .inner
            .share(load(self.inner.clone(), key.clone(), ttl, creator, opts, superseded.clone()).boxed_local());
        self.inner.loading.borrow_mut().insert(key.clone(), LoadEntry { fut: load.clone(), superseded });
        self.inner.start(start);
        // This caller's own event was emitted by the decision it took.
        let loaded = load.await;
        self.inner.note_joined(&key, || joined_view(&loaded));
        match loaded? {
            Loaded::Value(v) | Loaded::Created(v) => Ok(v),
            Loaded::Stale { value, ct, regeneration: Some(regen) } => {
                self.inner.regenerate_or_stale(&key, ttl, degradation, value, ct, regen).await
            }
            Loaded::Stale { value, regeneration: None, .. } => Ok(value),
        }
    }
}

impl<P: Clone + 'static> Inner<P> {
    /// The fresh hit a getOrCreate of `key` (mangled) is served without I/O, counted as one.
    fn hit_now(&self, key: &str, ttl: Ttl, opts: &CreateOptions<P>) -> Option<P> {
        // With early refresh a fresh value may still start a regeneration: the load decides.
        if self.early_possible(opts) {
            return None;
        }
        let cv = self.peek_fresh(key, ttl, opts.check.is_some())?;
        self.note_joined(key, || Joined::Value(cv.payload.clone(), EventKind::Hit));
        Some(cv.payload)
    }
}

/// What a call joining a load that ended in `loaded` gets.
fn joined_view<P: Clone>(loaded: &Result<Loaded<P>>) -> Joined<P> {
    match loaded {
        Ok(l) => Joined::Value(l.clone().into_value(), l.event()),
        Err(e) => Joined::Failed(e.clone()),
    }
}

impl<P: Clone> Loaded<P> {
    fn into_value(self) -> P {
        match self {
            Loaded::Value(v) | Loaded::Created(v) | Loaded::Stale { value: v, .. } => v,
        }
    }

    /// What a caller that joined this load was served.
    fn event(&self) -> EventKind {
        match self {
            Loaded::Value(_) => EventKind::Hit,
            Loaded::Created(_) => EventKind::Miss,
            Loaded::Stale { .. } => EventKind::StaleServed,
        }
    }
}

async fn load<P: Clone + 'static>(
    inner: Rc<Inner<P>>,
    key: String,
    ttl: Ttl,
    creator: Creator<P>,
    opts: CreateOptions<P>,
    superseded: Rc<Cell<bool>>,
) -> Result<Loaded<P>> {
    // While a creation runs, the load stays registered: late callers join it and get the
    // created value without a backend read of their own.
    let timeout = opts.degradation.or(inner.degradation).creator_timeout;
    let outcome = match decide_after_read(&inner, &key, ttl, creator, opts, &superseded).await {
        Ok(Step::Done(loaded)) => Ok(loaded),
        Ok(Step::Await(creation, foreign)) => {
            let _hold = foreign.then(|| inner.hold());
            inner.within(timeout, "the creation", creation).await.map(Loaded::Created)
        }
        Err(e) => Err(e),
    };
    // A failed read (or re-read) reaches the caller; it is counted here, once per load.
    if let Err(e) = &outcome {
        if e.kind() == ErrorKind::Backend {
            inner.event(Event { kind: EventKind::BackendError, key: &key, error: Some(e), ok: false });
        }
    }
    // Forget this load only if it is still the registered one.
    let mut loading = inner.loading.borrow_mut();
    if loading.get(&key).is_some_and(|e| Rc::ptr_eq(&e.superseded, &superseded)) {
        loading.remove(&key);
    }
    outcome
}

enum Step<P> {
    Done(Loaded<P>),
    /// Nothing to serve: wait for this creation (ours or someone else's).
    /// `true` when another call started it (this request must be kept alive meanwhile).
    Await(Creation<P>, bool),
}

async fn decide_after_read<P: Clone + 'static>(
    inner: &Rc<Inner<P>>,
    key: &str,
    ttl: Ttl,
    creator: Creator<P>,
    opts: CreateOptions<P>,
    superseded: &Cell<bool>,
) -> Result<Step<P>> {
    let mut reread = false;
    let background_ok = inner.runner.is_some() || opts.runner.is_some();
    loop {
        let fresh = |cv: &CachedValue<P>| inner.state(Some(cv), ttl) == State::Fresh;
        let found = inner.io_for(&opts.degradation, inner.backend.get_usable(key, &fresh)).await?;
        let state = inner.state(found.as_ref(), ttl);
        // A value that fails the check is as good as missing: regenerated under the lock.
        let found = inner.checked(key, found, state, opts.check.as_ref(), ttl, &opts.degradation).await?;
        let state = if found.is_none() { State::Missing } else { state };
        let running = match inner.creation(key) {
            Some((_, true)) if state == State::Missing => None,
            other => other.map(|(c, _)| c),
        };
        if state != State::Fresh && running.is_none() && superseded.replace(false) && !reread {
            // Someone wrote this key while we were reading: read the new value instead of
            // regenerating it a second time (dogpile re-checks after taking the mutex).
            reread = true;
            continue;
        }
        let emit = |kind| inner.emit(kind, key);
        if state == State::Fresh && running.is_none() {
            if let Some(cv) = found.as_ref().filter(|cv| inner.fires_early(cv, ttl, &opts)) {
                // Early refresh: this caller is served now; the regeneration (and its lease)
                // runs in the background, registered so that no other caller here starts one.
                let plan = LeasePlan::Early(cv.clone());
                let creation = start_creation(inner, key, ttl, creator, opts.clone(), plan, true);
                inner.run_in_background(key, creation, opts.runner.as_ref());
                emit(EventKind::Hit);
                return Ok(Step::Done(Loaded::Value(cv.payload.clone())));
            }
        }
        let action = decide(state, running.is_some(), background_ok);
        return Ok(match (action, found, running) {
            (Action::Serve, Some(cv), _) => {
                emit(EventKind::Hit);
                Step::Done(Loaded::Value(cv.payload))
            }
            (Action::ServeStale, Some(cv), _) => {
                emit(EventKind::StaleServed);
                Step::Done(Loaded::Stale { value: cv.payload, ct: cv.metadata.ct, regeneration: None })
            }
            (Action::Wait, _, Some(creation)) => {
                emit(EventKind::Miss);
                Step::Await(creation, true)
            }
            (Action::Regenerate { background }, found, _) => {
                let plan = match (&inner.lease, &found) {
                    (None, _) => LeasePlan::Local,
                    (Some(lease), Some(stale)) if state == State::Stale => {
                        // A stale value never waits: take the lease or serve it stale.
                        match inner.io(lease.leases.acquire(key, lease.ttl)).await {
                            Ok(Some(token)) => {
                                emit(EventKind::LeaseAcquired);
                                LeasePlan::Held(token)
                            }
                            Ok(None) => {
                                emit(EventKind::LeaseContended);
                                emit(EventKind::StaleServed);
                                return Ok(Step::Done(Loaded::Stale {
                                    value: stale.payload.clone(),
                                    ct: stale.metadata.ct,
                                    regeneration: None,
                                }));
                            }
                            Err(e) => {
                                inner.report(key, &e);
                                emit(EventKind::StaleServed);
                                return Ok(Step::Done(Loaded::Stale {
                                    value: stale.payload.clone(),
                                    ct: stale.metadata.ct,
                                    regeneration: None,
                                }));
                            }
                        }
                    }
                    (Some(_), _) => LeasePlan::Wait,
                };
                if state == State::Missing {
                    emit(EventKind::Miss);
                }
                let creation =
                    start_creation(inner, key, ttl, creator, opts.clone(), plan, background && state == State::Stale);
                match (state, found) {
                    (State::Stale, Some(cv)) if background => {
                        emit(EventKind::StaleServed);
                        inner.run_in_background(key, creation, opts.runner.as_ref());
                        Step::Done(Loaded::Stale { value: cv.payload, ct: cv.metadata.ct, regeneration: None })
                    }
                    (State::Stale, Some(cv)) => Step::Done(Loaded::Stale {
                        value: cv.payload,
                        ct: cv.metadata.ct,
                        regeneration: Some(creation),
                    }),
                    _ => Step::Await(creation, false),
                }
            }
            // decide() never serves without a value nor waits without a creation.
            _ => return Err(Error::backend("inconsistent lock state")),
        });
    }
}

/// How a creation relates to the cross-isolate lease.
enum LeasePlan<P> {
    /// No leases configured: the in-isolate lock is all there is.
    Local,
    /// The lease is already ours (taken for a stale value); release it when done.
    Held(String),
    /// Nothing to serve: wait for the lease (bounded by the lock timeout), then re-check.
    Wait,
    /// An early refresh of this fresh value: take the lease without waiting, and only if no
    /// other isolate has stored a newer value meanwhile; otherwise leave it.
    Early(CachedValue<P>),
}

/// Registers and returns the creation for `key`. It removes itself from `creating` when done,
/// before anyone sees its result, so the next caller after it starts a fresh decision.
fn start_creation<P: Clone + 'static>(
    inner: &Rc<Inner<P>>,
    key: &str,
    ttl: Ttl,
    creator: Creator<P>,
    opts: CreateOptions<P>,
    plan: LeasePlan<P>,
    background: bool,
) -> Creation<P> {
    let owner = inner.clone();
    let owned_key = key.to_owned();
    let id = inner.next_creation_id();
    let (creation, start) = inner.share(
        async move {
            let result = leased_creation(&owner, &owned_key, ttl, creator, &opts, plan).await;
            owner.finish_creation(&owned_key, id);
            if result.is_ok() {
                owner.superseded(&owned_key);
            }
            result
        }
        .boxed_local(),
    );
    inner.register_creation(key.to_owned(), id, creation.clone(), background);
    inner.start(start);
    creation
}

async fn leased_creation<P: Clone + 'static>(
    inner: &Inner<P>,
    key: &str,
    ttl: Ttl,
    creator: Creator<P>,
    opts: &CreateOptions<P>,
    plan: LeasePlan<P>,
) -> Result<P> {
    // creatorTimeout bounds the whole creation, a wait for another isolate's lease included: its
    // callers wait no longer, and one that gave up must not be left with an error no one counts.
    let timeout = opts.degradation.or(inner.degradation).creator_timeout;
    let until = timeout.map_or(f64::INFINITY, |t| inner.now() + t);
    let token = match plan {
        LeasePlan::Local => None,
        LeasePlan::Early(current) => match early_lease(inner, key, opts, current).await {
            Ok(token) => token,
            // Someone else refreshes it, or has: nothing to create here.
            Err(value) => return Ok(value),
        },
        LeasePlan::Held(token) => Some(token),
        LeasePlan::Wait => {
            // Whoever holds the lease may store the value meanwhile: the fresh value, if so.
            let look = || async move {
                let fresh = |cv: &CachedValue<P>| inner.state(Some(cv), ttl) == State::Fresh;
                let found = inner.io_for(&opts.degradation, inner.backend.get_usable(key, &fresh)).await?;
                let state = inner.state(found.as_ref(), ttl);
                let found = inner.checked(key, found, state, opts.check.as_ref(), ttl, &opts.degradation).await?;
                Ok(found.filter(|_| state == State::Fresh).map(|cv| cv.payload))
            };
            match inner.wait_for_lease(key, look, until).await {
                Waited::Found(value) => return Ok(value),
                Waited::Expired => {
                    let e = timed_out("the creation", timeout.unwrap_or_default());
                    inner.event(Event { kind: EventKind::CreatorError, key, error: Some(&e), ok: false });
                    return Err(e);
                }
                Waited::Lease(token, true) => match look().await {
                    Ok(None) => token,
                    Ok(Some(value)) => {
                        inner.release(key, token).await;
                        return Ok(value);
                    }
                    Err(e) => {
                        inner.release(key, token).await;
                        return Err(e);
                    }
                },
                Waited::Lease(token, false) => token,
            }
        }
    };
    inner.emit(EventKind::RegenerationStart, key);
    let result = create_and_store(inner, key, ttl, creator, opts, until).await;
    inner.event(Event { kind: EventKind::RegenerationEnd, key, error: result.as_ref().err(), ok: result.is_ok() });
    if let Err(e) = &result {
        // A creator that did not finish within creatorTimeout failed as much as one that threw.
        if matches!(e.kind(), ErrorKind::Creator | ErrorKind::Timeout) {
            inner.event(Event { kind: EventKind::CreatorError, key, error: Some(e), ok: false });
        }
    }
    inner.release(key, token).await;
    result
}

/// The lease for an early refresh of `current`: `Ok(token)` to go on and create (no token when
/// leases are off), `Err(value)` to leave it: the lease is held elsewhere (or cannot be had),
/// or another isolate stored a newer value since this one read `current` (then that value).
async fn early_lease<P: Clone + 'static>(
    inner: &Inner<P>,
    key: &str,
    opts: &CreateOptions<P>,
    current: CachedValue<P>,
) -> std::result::Result<Option<String>, P> {
    let Some(lease) = &inner.lease else { return Ok(None) };
    let token = match inner.io(lease.leases.acquire(key, lease.ttl)).await {
        Ok(Some(token)) => token,
        Ok(None) => {
            inner.emit(EventKind::LeaseContended, key);
            return Err(current.payload);
        }
        Err(e) => {
            inner.report(key, &e);
            return Err(current.payload);
        }
    };
    inner.emit(EventKind::LeaseAcquired, key);
    // The lease may have been released by an isolate that has just refreshed the key: without
    // this re-read, each isolate holding the old value would refresh it once more.
    let newer = |cv: &CachedValue<P>| cv.metadata.ct > current.metadata.ct;
    match inner.io_for(&opts.degradation, inner.backend.get_usable(key, &newer)).await {
        Ok(Some(cv)) if newer(&cv) => {
            inner.release(key, Some(token)).await;
            Err(cv.payload)
        }
        Ok(_) => Ok(Some(token)),
        Err(e) => {
            inner.report(key, &e);
            inner.release(key, Some(token)).await;
            Err(current.payload)
        }
    }
}

async fn create_and_store<P: Clone + 'static>(
    inner: &Inner<P>,
    key: &str,
    ttl: Ttl,
    creator: Creator<P>,
    opts: &CreateOptions<P>,
    until: f64,
) -> Result<P> {
    let started = inner.now();
    // The creation itself ends at creatorTimeout (`until`), not only its callers' wait: a creator
    // that never settles would otherwise stay registered, and every later caller in the isolate
    // would wait on it (or be served stale past any bound) instead of trying again.
    let timeout = opts.degradation.or(inner.degradation).creator_timeout;
    let left = until.is_finite().then(|| (until - started).max(0.0));
    let value = inner.within(left, "the creation", creator()).await.map_err(|e| match e.kind() {
        ErrorKind::Timeout => timed_out("the creation", timeout.unwrap_or_default()),
        _ => e,
    })?;
    // δ for early refresh. A clock that stood still (a Worker's during pure computation) gives
    // 0: nothing is recorded and such a value is never refreshed early.
    let took = inner.now() - started;
    let duration = (took > 0.0 && took.is_finite()).then_some(took);
    let keep = match &opts.should_cache {
        Some(should_cache) => should_cache(&value)?,
        None => true,
    };
    if keep {
        let cv = inner
            .stamp(value.clone(), inner.creation_time(&opts.tags))
            .with_tags(opts.tags.clone())
            .with_duration(duration);
        // The value exists; a failed write must not take it from the caller.
        if let Err(e) = inner.io_for(&opts.degradation, inner.backend.set(key, cv, ttl)).await {
            inner.report(key, &e);
        }
    }
    Ok(value)
}
