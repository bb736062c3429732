//! Attack: a hostile server (or one in the middle of a development build's loopback) answers
//! with a body far larger than any real answer, declared or not. The client must give up at its
//! cap, not buffer what it is sent. A raw HTTP server on 127.0.0.1 plays the attacker.
#![allow(clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use shimin_client::BackendClient;
use shimin_client::http::MAX_DOCUMENT_BYTES;
use shimin_core::wallet::BackendError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves every connection `head` and then up to 64 MiB of zeros in chunks, counting what it
/// managed to write.
async fn hostile(head: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let written = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&written);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let count = Arc::clone(&count);
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunked = head.contains("chunked");
                let block = vec![0u8; 64 * 1024];
                for _ in 0..1_024 {
                    let sent = if chunked {
                        let mut framed = format!("{:x}\r\n", block.len()).into_bytes();
                        framed.extend_from_slice(&block);
                        framed.extend_from_slice(b"\r\n");
                        socket.write_all(&framed).await
                    } else {
                        socket.write_all(&block).await
                    };
                    if sent.is_err() {
                        return;
                    }
                    count.fetch_add(block.len(), Ordering::Relaxed);
                }
            });
        }
    });
    (url, written)
}

#[tokio::test]
async fn an_oversized_answer_is_refused_at_the_cap_not_read_whole() {
    for head in [
        "HTTP/1.1 200 OK\r\nContent-Type: application/cose\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Type: application/cose\r\nContent-Length: 67108864\r\n\r\n",
    ] {
        let (url, written) = hostile(head).await;
        let client = BackendClient::new(&url).expect("client");
        let started = Instant::now();
        let answer = client.trust_list(None).await;
        assert!(matches!(answer, Err(BackendError::Malformed(_))), "{head:?}: {answer:?}");
        assert!(started.elapsed() < Duration::from_secs(10), "{head:?}: gave up late");
        tokio::time::sleep(Duration::from_millis(200)).await;
        // What the server got rid of: the cap plus what the two kernels' loopback buffers hold
        // (a few MiB), far from the 64 MiB a client reading the whole body takes in.
        let sent = written.load(Ordering::Relaxed);
        assert!(sent <= MAX_DOCUMENT_BYTES + 24 * 1024 * 1024, "{head:?}: read on to {sent} bytes");

        // The same for a JSON answer (a sync page) and for an error body.
        let answer = client.pull("token", None).await;
        assert!(matches!(answer, Err(BackendError::Malformed(_))), "{head:?}: {answer:?}");
    }
}
