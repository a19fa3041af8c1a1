//! The tantivy `Directory` korpus opens an index folder with: tantivy's
//! `MmapDirectory`, except that reading an index needs no write access.
//!
//! tantivy's reader takes `.tantivy-meta.lock` (an exclusive `flock`, the
//! file opened for writing and created if missing) while it opens segment
//! readers, so that a writer's garbage collection cannot delete their files
//! meanwhile. In a folder the user may not write (a shared, read-only
//! corpus index), that open fails and every read command would fail with
//! it. Here, when the lock file cannot be opened for writing, it is opened
//! for reading and locked shared (a writer's collection, which locks it
//! exclusively, still waits for it); if it does not exist and cannot be
//! created, no writer can run in the folder either, so no lock is needed.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr, META_LOCK,
};

/// Fault injection for tests, as SQLite's I/O error tests do it: with
/// `KORPUS_FAULT_AFTER=N` in the environment, the Nth write operation on an
/// index folder (opening a file for writing, a write call, closing, an
/// atomic write, a delete, a directory sync, and korpus's own state and
/// manifest writes) fails with an I/O error, once, and says so on stderr.
/// Without the variable this is one relaxed load per operation.
static FAULT_AFTER: std::sync::OnceLock<Option<std::sync::atomic::AtomicU64>> =
    std::sync::OnceLock::new();

/// Count one write operation; the injected fault, if this is the one.
pub(crate) fn fault_point(what: &str) -> io::Result<()> {
    use std::sync::atomic::Ordering;
    let plan = FAULT_AFTER.get_or_init(|| {
        std::env::var("KORPUS_FAULT_AFTER")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(std::sync::atomic::AtomicU64::new)
    });
    if let Some(left) = plan {
        if left.fetch_sub(1, Ordering::SeqCst) == 1 {
            eprintln!("korpus: injected fault at {what}");
            return Err(io::Error::other(format!("injected fault at {what}")));
        }
    }
    Ok(())
}

fn fault_injection() -> bool {
    let _ = fault_point("");
    FAULT_AFTER.get().is_some_and(|p| p.is_some())
}

/// A writer whose every operation is a [`fault_point`].
struct Faulty(Box<dyn TerminatingWrite + Send + Sync>);

impl io::Write for Faulty {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        fault_point("write")?;
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl TerminatingWrite for Faulty {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        fault_point("close")?;
        self.0.terminate_ref(token)
    }
}

/// [`MmapDirectory`] with locks that a read-only folder allows.
#[derive(Clone, Debug)]
pub struct KorpusDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl KorpusDirectory {
    /// Open the folder `root`.
    pub fn open(root: &Path) -> tantivy::Result<Self> {
        Ok(KorpusDirectory {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

/// Whether an I/O error means the folder cannot be written.
pub(crate) fn is_read_only(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// A shared `flock` on a file opened for reading; released when dropped.
struct SharedLock(#[allow(dead_code)] std::fs::File);

impl Directory for KorpusDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        fault_point("delete").map_err(|e| DeleteError::IoError {
            io_error: Arc::new(e),
            filepath: path.to_path_buf(),
        })?;
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let w = self.inner.open_write(path)?;
        if !fault_injection() {
            return Ok(w);
        }
        fault_point("open for writing").map_err(|e| OpenWriteError::IoError {
            io_error: Arc::new(e),
            filepath: path.to_path_buf(),
        })?;
        let inner = w.into_inner().map_err(|e| OpenWriteError::IoError {
            io_error: Arc::new(e.into_error()),
            filepath: path.to_path_buf(),
        })?;
        Ok(io::BufWriter::new(Box::new(Faulty(inner))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        fault_point("atomic write")?;
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        fault_point("sync")?;
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e)) if lock.filepath == META_LOCK.filepath && is_read_only(&e) => {
                let path = self.root.join(&lock.filepath);
                match std::fs::File::open(&path) {
                    Ok(f) => {
                        f.lock_shared().map_err(LockError::wrap_io_error)?;
                        Ok(DirectoryLock::from(Box::new(SharedLock(f))))
                    }
                    Err(open) if open.kind() == io::ErrorKind::NotFound => {
                        Ok(DirectoryLock::from(Box::new(())))
                    }
                    Err(open) => Err(LockError::wrap_io_error(open)),
                }
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
