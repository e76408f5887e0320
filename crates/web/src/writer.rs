//! Group commit for incidents: requests that arrive while a transaction is being written wait
//! for the next one, so that one disk sync serves many durable writes.

use tokio::sync::{mpsc, oneshot};
use truce_store::{Inserted, NewIncident, Store, StoreError};

/// The most incidents written in one transaction.
const MAX_BATCH: usize = 512;

type Reply = oneshot::Sender<Result<Inserted, StoreError>>;

/// A handle to the writer task.
#[derive(Debug, Clone)]
pub struct IncidentWriter {
    sender: mpsc::Sender<(NewIncident, Reply)>,
}

impl IncidentWriter {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store) -> Self {
        let (sender, receiver) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(store, receiver));
        IncidentWriter { sender }
    }

    /// Writes one incident durably; returns once its transaction has committed.
    pub async fn write(&self, incident: NewIncident) -> Result<Inserted, StoreError> {
        let (reply, answer) = oneshot::channel();
        let closed = || StoreError::Corrupt {
            what: "writer",
            reason: "the writer task has stopped".to_owned(),
        };
        self.sender
            .send((incident, reply))
            .await
            .map_err(|_| closed())?;
        answer.await.map_err(|_| closed())?
    }
}

async fn run(store: Store, mut receiver: mpsc::Receiver<(NewIncident, Reply)>) {
    let mut items = Vec::with_capacity(MAX_BATCH);
    let mut replies = Vec::with_capacity(MAX_BATCH);
    while let Some((first, reply)) = receiver.recv().await {
        items.push(first);
        replies.push(reply);
        while items.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok((item, reply)) => {
                    items.push(item);
                    replies.push(reply);
                }
                Err(_) => break,
            }
        }
        match store.insert_incidents(&items).await {
            Ok(results) => {
                for (reply, result) in replies.drain(..).zip(results) {
                    let _ = reply.send(Ok(result));
                }
            }
            // One bad item must not fail the others: write each on its own.
            Err(_) => {
                for (item, reply) in items.iter().zip(replies.drain(..)) {
                    let result = store
                        .insert_incidents(std::slice::from_ref(item))
                        .await
                        .map(|mut results| results.pop().unwrap_or(Inserted::Created));
                    let _ = reply.send(result);
                }
            }
        }
        items.clear();
    }
}
