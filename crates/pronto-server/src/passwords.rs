//! Passwords: what the server accepts, and argon2 hashing bounded so that a burst of
//! sign-ins cannot hold more memory than a few hashes need.
//!
//! The policy refuses what an attacker tries first. It asks `zxcvbn` (Dropbox's
//! estimator, with its lists of the commonest passwords, names and words, keyboard
//! patterns, dates and repeats) for an estimate of the guesses needed and wants more
//! than 10^8 (its score 3): a password on the common lists or made of one repeated
//! character needs far fewer. A hand-written list would be shorter and older than
//! the one the estimator carries, and would miss `qwertyuiop1`-like variants.

use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{OnceCell, Semaphore};

use crate::auth;
use crate::error::ApiError;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 10;
/// The most characters a password may have (a longer one is no safer, and costs
/// more to receive and hash).
pub const MAX_CHARS: usize = 256;

/// Why a password is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    /// Fewer than [`MIN_CHARS`].
    #[error("the password needs at least {MIN_CHARS} characters")]
    TooShort,
    /// More than [`MAX_CHARS`].
    #[error("the password can have at most {MAX_CHARS} characters")]
    TooLong,
    /// One character, repeated.
    #[error("the password repeats one character; choose a harder one")]
    OneCharacter,
    /// Among the commonest passwords, or as easy to guess.
    #[error("this password is too common or easy to guess; try a few unrelated words")]
    Common,
}

/// Checks a new password against the policy. `inputs` are the person's own words
/// (email, name), which make a password easier to guess when it contains them.
pub fn check(password: &str, inputs: &[&str]) -> Result<(), Refused> {
    let count = password.chars().count();
    if count < MIN_CHARS {
        return Err(Refused::TooShort);
    }
    if count > MAX_CHARS {
        return Err(Refused::TooLong);
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(Refused::OneCharacter);
    }
    // The estimator reads the first 100 characters itself (it is quadratic in
    // length); a password whose start is strong is strong.
    let mut words: Vec<&str> = inputs.to_vec();
    for i in inputs {
        words.extend(i.split(|c: char| !c.is_alphanumeric()));
        words.extend(i.split('@').next());
    }
    words.retain(|w| w.chars().count() >= 3);
    if zxcvbn::zxcvbn(password, &words).score() < zxcvbn::Score::Three {
        return Err(Refused::Common);
    }
    Ok(())
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> Self {
        let code = match r {
            Refused::TooShort | Refused::TooLong => "invalid_request",
            Refused::OneCharacter | Refused::Common => "weak_password",
        };
        ApiError::new(axum::http::StatusCode::BAD_REQUEST, code, r.to_string())
    }
}

/// Hashing and checking passwords, at most `permits` at a time (each argon2 run
/// holds about 19 MiB), counted for `/metrics`.
#[derive(Debug)]
pub struct Hasher {
    permits: Semaphore,
    /// A hash of a password nobody knows: checked against when the account does not
    /// exist or cannot sign in, so the answer takes as long as for a real one.
    dummy: OnceCell<String>,
    verifications: AtomicU64,
}

impl Hasher {
    /// A hasher running at most `permits` argon2 computations at once.
    pub fn new(permits: usize) -> Self {
        Hasher {
            permits: Semaphore::new(permits.max(1)),
            dummy: OnceCell::new(),
            verifications: AtomicU64::new(0),
        }
    }

    /// One permit per core: more would only queue on the CPUs while holding memory.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    }

    /// An argon2 hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::internal(&e))?;
        auth::hash_password(password).await
    }

    /// Whether `password` matches `hash`.
    pub async fn verify(&self, password: String, hash: String) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        self.verifications.fetch_add(1, Ordering::Relaxed);
        auth::verify_password(password, hash).await
    }

    /// Checks `password` against a hash no password matches, taking the time a real
    /// check takes; always false.
    pub async fn verify_nobody(&self, password: String) -> bool {
        let dummy = self
            .dummy
            .get_or_try_init(|| self.hash(auth::random_token(16)))
            .await;
        if let Ok(dummy) = dummy {
            self.verify(password, dummy.clone()).await;
        }
        false
    }

    /// How many passwords were checked since the start.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commonest_and_repeated_passwords_are_refused() {
        for weak in [
            "password123",
            "1234567890",
            "qwertyuiop",
            "qwertyuiop1",
            "iloveyou123",
            "Password1!",
            "aaaaaaaaaaaa",
            "1111111111",
            "abcdefghij",
            "ada.admin@acme",
        ] {
            assert!(
                check(weak, &["ada.admin@acme.test", "Ada Admin"]).is_err(),
                "{weak} should be refused"
            );
        }
        for fine in [
            "correct horse battery",
            "a long enough password",
            "another long password",
            "bench password, not a secret",
            "7f3c9e1a2b8d",
            "pronto-demo",
        ] {
            assert_eq!(check(fine, &["ada@acme.test", "Ada"]), Ok(()), "{fine}");
        }
        assert_eq!(check("short", &[]), Err(Refused::TooShort));
        assert_eq!(check(&"ab".repeat(129), &[]), Err(Refused::TooLong));
        assert_eq!(check(&"é".repeat(40), &[]), Err(Refused::OneCharacter));
        assert_eq!(check(&"ab".repeat(128), &[]), Err(Refused::Common));
    }

    #[tokio::test]
    async fn the_hasher_counts_checks_and_nobody_matches_the_dummy() {
        let h = Hasher::new(1);
        let hash = h.hash("correct horse battery".into()).await.unwrap();
        assert!(h.verify("correct horse battery".into(), hash).await);
        assert!(!h.verify_nobody("correct horse battery".into()).await);
        assert_eq!(h.verifications(), 2);
    }
}
