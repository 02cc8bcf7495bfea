//! Errors of every kind the library reports. Each kind has a stable name: the JS layer turns
//! it into an `Error` subclass with that `name`, so callers can branch on `err.name`.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The region was used before `configure`.
    RegionNotConfigured,
    /// `configure` was called twice.
    RegionAlreadyConfigured,
    /// Bad input from the caller: a key, a value, an option.
    Validation,
    /// The backend failed; the original error is kept as the cause.
    Backend,
    /// Waiting for another creator took longer than the lock timeout.
    LockTimeout,
    /// The creator failed; the cause is exactly what it threw.
    Creator,
    /// A creation took longer than the creator timeout.
    Timeout,
}

impl ErrorKind {
    /// The `name` the error carries in JS.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::RegionNotConfigured => "RegionNotConfigured",
            ErrorKind::RegionAlreadyConfigured => "RegionAlreadyConfigured",
            ErrorKind::Validation => "ValidationError",
            ErrorKind::Backend => "BackendError",
            ErrorKind::LockTimeout => "LockTimeout",
            ErrorKind::Creator => "CreatorError",
            ErrorKind::Timeout => "TimeoutError",
        }
    }
}

/// An error with its kind, a message, and the original cause when there is one.
///
/// Cloneable because one failed creation is reported to every caller that waited on it.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: Rc<str>,
    cause: Option<Rc<dyn Any>>,
    /// The cause is itself the error to report (a typed error raised by user code).
    rethrow: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: Rc::from(message.into()), cause: None, rethrow: false }
    }

    /// Reports `cause` itself, unchanged: an error of ours that passed through user code.
    pub fn rethrow<C: Any>(cause: C) -> Self {
        let mut e = Error::backend("rethrown").with_cause(cause);
        e.rethrow = true;
        e
    }

    pub fn is_rethrow(&self) -> bool {
        self.rethrow
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Validation, message)
    }

    pub fn backend(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Backend, message)
    }

    /// A creator failure carrying exactly what the creator threw.
    pub fn creator<C: Any>(cause: C) -> Self {
        Error::new(ErrorKind::Creator, "the creator failed").with_cause(cause)
    }

    /// Attach the original error (a JS value, an I/O error...) so it reaches the caller intact.
    pub fn with_cause<C: Any>(mut self, cause: C) -> Self {
        self.cause = Some(Rc::new(cause));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The original cause, if it is a `C`.
    pub fn cause<C: Any>(&self) -> Option<&C> {
        self.cause.as_deref().and_then(|c| c.downcast_ref::<C>())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("has_cause", &self.cause.is_some())
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for Error {}
