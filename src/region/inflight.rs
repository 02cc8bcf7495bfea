//! Work in flight in this isolate: the registry of running creations (the in-isolate half of
//! the dogpile lock), how shared work is run, and background regenerations.

use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;

use super::{Inner, Runner};
use crate::error::Result;

pub(super) type Creation<P> = Shared<LocalBoxFuture<'static, Result<P>>>;

/// Ends a keep-alive when dropped (see [`Inner::hold`]).
pub(super) struct Hold(Option<Box<dyn FnOnce()>>);

impl Drop for Hold {
    fn drop(&mut self) {
        if let Some(end) = self.0.take() {
            end();
        }
    }
}

/// The task behind shared work, until [`Inner::start`] runs it (none without a spawner: then
/// whichever caller polls the shared future drives it).
#[must_use]
pub(super) struct Start(Option<LocalBoxFuture<'static, ()>>);

pub(super) struct CreationEntry<P> {
    id: u64,
    fut: Creation<P>,
    /// Runs in the background (another request's `waitUntil`). A caller with nothing to serve
    /// does not wait on it: in a Worker, a request must not hang on work whose request has
    /// already answered. It takes the lease (and finds the result) or creates its own.
    background: bool,
}

impl<P: Clone + 'static> Inner<P> {
    /// Work that several callers await, not started yet: register it where callers find it,
    /// then [`Inner::start`] it, so the work (which may finish at once) never runs before it
    /// can be found or forgotten. With a spawner, the work runs as a task of its own, started
    /// by (and doing its I/O for) the caller that created it; the others only wait for its
    /// result. In a Worker that matters: I/O must stay with the request that began it.
    pub(super) fn share<T: Clone + 'static>(
        &self,
        work: LocalBoxFuture<'static, T>,
    ) -> (Shared<LocalBoxFuture<'static, T>>, Start) {
        match &self.spawner {
            Some(_) => {
                let (remote, handle) = work.remote_handle();
                (handle.boxed_local().shared(), Start(Some(remote.boxed_local())))
            }
            None => (work.shared(), Start(None)),
        }
    }

    /// Starts shared work. It is polled once here, in the caller's own context: work that needs
    /// no I/O (a memory backend, a synchronous creator) finishes now, so the caller's result is
    /// ready without a task, a promise or a turn of the event loop; only what is still pending
    /// is spawned.
    pub(super) fn start(&self, start: Start) {
        if let (Some(mut task), Some(spawn)) = (start.0, &self.spawner) {
            if (&mut task).now_or_never().is_none() {
                spawn(task);
            }
        }
    }

    /// Keeps this request alive until the returned guard drops: for a call about to wait on work
    /// another call started (nothing without a keep-alive, as natively).
    pub(super) fn hold(&self) -> Hold {
        Hold(self.keep_alive.as_ref().map(|keep| keep()))
    }

    /// Tells a read in flight for `key` that what it returns is out of date.
    pub(super) fn superseded(&self, key: &str) {
        if let Some(entry) = self.loading.borrow().get(key) {
            entry.superseded.set(true);
        }
        self.supersede_watch(key);
    }

    /// The creation running for `key` in this isolate, and whether it runs in the background.
    pub(super) fn creation(&self, key: &str) -> Option<(Creation<P>, bool)> {
        self.creating.borrow().get(key).map(|e| (e.fut.clone(), e.background))
    }

    pub(super) fn next_creation_id(&self) -> u64 {
        let id = self.next_creation.get().wrapping_add(1);
        self.next_creation.set(id);
        id
    }

    pub(super) fn register_creation(&self, key: String, id: u64, fut: Creation<P>, background: bool) {
        self.creating.borrow_mut().insert(key, CreationEntry { id, fut, background });
    }

    /// Forgets creation `id` of `key`, unless another has taken its place meanwhile.
    pub(super) fn finish_creation(&self, key: &str, id: u64) {
        let mut creating = self.creating.borrow_mut();
        if creating.get(key).is_some_and(|e| e.id == id) {
            creating.remove(key);
        }
    }

    /// Runs a creation no caller awaits (an early refresh) to its end: through the call's or the
    /// region's runner, or else as a task of its own. Its registry entry is not enough to keep it:
    /// another creation of the key can take that place (after a delete, a caller with nothing
    /// to serve starts one), and shared work whose last handle is dropped stops where it is,
    /// holding its lease and never ending its regeneration.
    pub(super) fn run_in_background(&self, key: &str, creation: Creation<P>, per_call: Option<&Runner>) {
        let reporter = self.on_error.clone();
        let work = async move {
            // Counted as events by the creation itself; the sink hears of it too.
            if let (Err(e), Some(sink)) = (creation.await, reporter) {
                sink(&e);
            }
        }
        .boxed_local();
        match (per_call.or(self.runner.as_ref()), &self.spawner) {
            (Some(runner), _) => runner(key, work),
            (None, Some(spawn)) => spawn(work),
            // Without a spawner, shared work runs only while someone polls it: it waits for a
            // caller (one that finds the value stale joins it).
            (None, None) => {}
        }
    }
}
