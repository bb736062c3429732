//! A fixed set of SQLite connections, each owned by a thread of its own that takes jobs from
//! one shared first-come-first-served queue.
//!
//! rusqlite is synchronous, so no connection is ever used on a tokio worker: an async caller
//! queues a job (never blocking) and awaits its answer on a oneshot channel. The queue is fair,
//! so under saturation no request starves behind luckier ones, and a connection's thread goes
//! straight from one job to the next without a round trip through the async scheduler. When the
//! last handle to the set is dropped, the queue closes and the threads close their connections
//! and end.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;

use crate::store::StoreError;

/// A job: runs with a connection and sends its own answer.
type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Connections and the queue in front of them.
#[derive(Debug)]
pub(super) struct Connections {
    jobs: Sender<Job>,
    size: usize,
}

impl Connections {
    /// Starts one thread per connection, named `sqlite-{role}-{n}`.
    ///
    /// # Errors
    /// [`StoreError::Io`] when a thread cannot be started.
    pub(super) fn start(role: &str, connections: Vec<Connection>) -> Result<Self, StoreError> {
        let size = connections.len();
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for (n, mut connection) in connections.into_iter().enumerate() {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("sqlite-{role}-{n}"))
                .spawn(move || serve(&queue, &mut connection))?;
        }
        Ok(Self { jobs, size })
    }

    /// How many connections the set holds.
    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// Runs `f` with the first free connection, after the jobs queued before it.
    pub(super) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |connection| {
            // The caller may have gone (a dropped request): its answer is then dropped too.
            let _ = answer.send(f(connection));
        });
        self.jobs.send(job).map_err(|_| StoreError::Task)?;
        answered.await.map_err(|_| StoreError::Task)?
    }
}

/// A connection's thread: jobs one after the other until the queue closes.
fn serve(queue: &Mutex<Receiver<Job>>, connection: &mut Connection) {
    loop {
        // One idle thread waits on the queue at a time; the lock is released with the job.
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else { return };
        // A job that panics loses its answer (its caller gets `StoreError::Task`), not the
        // connection: an open transaction is rolled back as the panic unwinds.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(connection)));
    }
}
