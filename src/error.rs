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
    /// The index folder (or a file in it) cannot be written.
    #[error("{0}: no write permission on the index folder (reading it works; to index, pass a folder you can write with --index DIR)")]
    ReadOnly(PathBuf),
    /// The index is damaged (a corrupt or truncated file).
    #[error("{0}: the index is damaged ({1}); run `korpus check`, and `korpus index --force` to rebuild it")]
    Damaged(PathBuf, String),
    /// A query that could not be parsed.
    #[error("invalid query: {0}")]
    Query(String),
    /// An unknown language code.
    #[error(transparent)]
    Lang(#[from] crate::lang::UnknownLang),
    /// An error from tantivy. Not marked as the source: tantivy's message
    /// already holds its cause, which would otherwise be printed twice.
    #[error("index error: {0}")]
    Tantivy(tantivy::TantivyError),
    /// Any other invalid argument.
    #[error("{0}")]
    Invalid(String),
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Tantivy(e)
    }
}

/// What a tantivy error says is damaged, if it says so.
pub fn tantivy_damage(e: &tantivy::TantivyError) -> Option<String> {
    use tantivy::TantivyError as T;
    match e {
        T::DataCorruption(_) => {
            let s = e.to_string();
            // "Data corruption (in file `"meta.json"`): …"
            Some(match s.split_once("(in file `\"").and_then(|(_, r)| r.split_once("\"`")) {
                Some((file, _)) => format!("{file} is corrupt"),
                None => "a corrupt file".to_string(),
            })
        }
        T::IoError(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            Some(format!("a stored block cannot be read: {io}"))
        }
        T::OpenReadError(tantivy::directory::error::OpenReadError::FileDoesNotExist(p)) => {
            Some(format!("{} is missing", p.display()))
        }
        _ => None,
    }
}

impl Error {
    /// If this error says the index is damaged (a corrupt file, a block
    /// that does not decompress), what is damaged, in a few words.
    pub fn damage(&self) -> Option<String> {
        match self {
            Error::Damaged(_, what) => Some(what.clone()),
            Error::Tantivy(e) => tantivy_damage(e),
            _ => None,
        }
    }

    /// Whether this error is a full disk (or quota): tantivy reports some as
    /// I/O errors and some only in the text of an internal error, so both
    /// are looked at.
    pub fn is_disk_full(&self) -> bool {
        let kind_full = |k: std::io::ErrorKind| {
            matches!(
                k,
                std::io::ErrorKind::StorageFull
                    | std::io::ErrorKind::QuotaExceeded
                    | std::io::ErrorKind::FileTooLarge
            )
        };
        match self {
            Error::Io { source, .. } if kind_full(source.kind()) => true,
            Error::Tantivy(tantivy::TantivyError::IoError(io)) if kind_full(io.kind()) => true,
            Error::Tantivy(e) => {
                let s = e.to_string();
                // ENOSPC, EDQUOT, EFBIG (a file size limit)
                s.contains("(os error 28)") || s.contains("(os error 122)") || s.contains("(os error 27)")
            }
            _ => false,
        }
    }

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
