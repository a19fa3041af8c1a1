//! The library's error type. The CLI turns these into one-line messages and
//! exit codes; the library never prints.

use std::path::PathBuf;

/// Everything that can go wrong in korpus's library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a given path.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An input path that does not exist.
    #[error("{0}: no such file or folder")]
    MissingPath(PathBuf),
    /// A folder that is not a korpus index.
    #[error("{0}: not a korpus index (run `korpus index` first, or pass --index DIR)")]
    NotAnIndex(PathBuf),
    /// An index made by an incompatible version of korpus.
    #[error("{path}: index schema version {found}, this korpus needs {expected}; reindex with `korpus index --force`")]
    IncompatibleIndex {
        /// Index folder.
        path: PathBuf,
        /// Version found in the index.
        found: u32,
        /// Version this build writes.
        expected: u32,
    },
    /// Another process holds the index's write lock.
    #[error("{0}: index is locked by another korpus process (lock file {1})")]
    Locked(PathBuf, String),
    /// A query that could not be parsed.
    #[error("invalid query: {0}")]
    Query(String),
    /// An unknown language code.
    #[error(transparent)]
    Lang(#[from] crate::lang::UnknownLang),
    /// An error from tantivy.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// Any other invalid argument.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// Wrap an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with korpus's error.
pub type Result<T> = std::result::Result<T, Error>;
