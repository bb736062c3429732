//! zlib, the compression layer of every QR format here (presentations, status lists, EU DCC):
//! one deflate and one size-capped inflate, so that a "zlib bomb" is refused the same way
//! everywhere.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::{Compression, Decompress, FlushDecompress};

/// Why compressed data was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InflateError {
    /// Not a complete zlib stream, or bytes follow its end.
    #[error("not a complete zlib stream")]
    Corrupt,
    /// The data would inflate to more than the caller's limit.
    #[error("the data inflates to more than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
}

/// Compresses `data` as one zlib stream at the best compression.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 2 + 16), Compression::best());
    // Writing into a Vec cannot fail; an error here would only mean memory ran out.
    encoder.write_all(data).and_then(|()| encoder.finish()).unwrap_or_default()
}

/// Inflates one complete zlib stream, with nothing after it, into at most `limit` bytes. Memory
/// grows with the output actually produced, never beyond `limit` + one step.
///
/// # Errors
/// [`InflateError::Corrupt`] or [`InflateError::TooLarge`].
pub fn inflate(compressed: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let mut inflater = Decompress::new(true);
    let mut out: Vec<u8> = Vec::new();
    loop {
        if out.len() == out.capacity() {
            if out.len() > limit {
                return Err(InflateError::TooLarge { limit });
            }
            out.reserve_exact(out.len().max(4_096).min(limit + 1 - out.len()));
        }
        let consumed = usize::try_from(inflater.total_in()).map_err(|_| InflateError::Corrupt)?;
        let input = compressed.get(consumed..).ok_or(InflateError::Corrupt)?;
        let before = (inflater.total_in(), inflater.total_out());
        let status = inflater
            .decompress_vec(input, &mut out, FlushDecompress::None)
            .map_err(|_| InflateError::Corrupt)?;
        if out.len() > limit {
            return Err(InflateError::TooLarge { limit });
        }
        if status == flate2::Status::StreamEnd {
            break;
        }
        if (inflater.total_in(), inflater.total_out()) == before {
            // No progress with room to write: the stream is truncated.
            return Err(InflateError::Corrupt);
        }
    }
    if usize::try_from(inflater.total_in()).ok() != Some(compressed.len()) {
        return Err(InflateError::Corrupt);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_at_every_size_up_to_the_limit() {
        for n in [0usize, 1, 100, 4_096, 4_097, 100_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 % 251) as u8).collect();
            assert_eq!(inflate(&deflate(&data), n).expect("inflate"), data, "{n} bytes");
        }
    }

    #[test]
    fn a_bomb_is_refused_at_the_limit() {
        let bomb = deflate(&vec![0u8; 10 * 1024 * 1024]);
        assert!(bomb.len() < 20_000, "the test needs a real bomb");
        assert_eq!(inflate(&bomb, 64 * 1024), Err(InflateError::TooLarge { limit: 64 * 1024 }));
    }

    #[test]
    fn truncated_trailing_and_garbage_are_corrupt() {
        let good = deflate(b"a status list, a presentation or a DCC");
        for cut in 0..good.len() {
            assert_eq!(inflate(&good[..cut], 1_000), Err(InflateError::Corrupt), "cut at {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(inflate(&trailing, 1_000), Err(InflateError::Corrupt));
        assert_eq!(inflate(b"not zlib at all", 1_000), Err(InflateError::Corrupt));
    }
}
