//! The Cloud API's error codes as people understand them, and what to do about
//! each: try again later, give up with the reason, or stop the channel until an
//! admin acts. The same table serves a send's synchronous error and a `failed`
//! status that arrives later.

/// What to do after an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Try again later, with backoff (throughput, temporary failures).
    Retry,
    /// Do not send again: the message failed, and the reason says why.
    Fail,
    /// The channel cannot send until an admin acts (token, locked or blocked account).
    Attention,
}

/// An error's meaning: what to do and what to tell the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meaning {
    /// What to do.
    pub action: Action,
    /// The reason, in words an agent understands.
    pub reason: &'static str,
}

/// Whom a throughput error asks to slow down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowDown {
    /// The business number and this one customer (131056, the pair limit): the
    /// number's other customers may go on.
    Pair,
    /// The whole number (130429 throughput, 131057 maintenance, 80007 the account).
    Number,
}

/// Whether an error asks to slow down, and whom.
pub fn slow_down(code: i64) -> Option<SlowDown> {
    match code {
        131056 => Some(SlowDown::Pair),
        130429 | 131057 | 80007 => Some(SlowDown::Number),
        _ => None,
    }
}

/// What an error code means (an unknown code: the message failed).
pub fn meaning(code: i64) -> Meaning {
    let (action, reason) = known(code).unwrap_or((Action::Fail, "WhatsApp refused the message"));
    Meaning { action, reason }
}

/// Whether the reference's table names this code.
pub fn is_known(code: i64) -> bool {
    known(code).is_some()
}

fn known(code: i64) -> Option<(Action, &'static str)> {
    use Action::{Attention, Fail, Retry};
    Some(match code {
        131047 => (
            Fail,
            "more than 24 hours have passed since the customer last wrote; only a template may be sent",
        ),
        131026 => (
            Fail,
            "the message could not be delivered: the number may not be on WhatsApp, or their app is too old",
        ),
        131051 => (Fail, "WhatsApp does not support this message type"),
        131052 => (Fail, "the customer's file could not be downloaded"),
        131053 => (
            Fail,
            "the file could not be uploaded: check its type and size",
        ),
        130429 => (Retry, "the number's throughput limit was reached; retrying"),
        131056 => (
            Retry,
            "too many messages to this customer in a short time; retrying",
        ),
        131048 => (
            Attention,
            "WhatsApp limited this number for spam: stop bulk sends and check its quality",
        ),
        131049 => (
            Fail,
            "WhatsApp held back this marketing message to keep engagement healthy; wait a day",
        ),
        131050 => (Fail, "the customer stopped marketing messages"),
        132000 => (
            Fail,
            "the template's parameters do not match its placeholders in number",
        ),
        132001 => (
            Fail,
            "the template does not exist in this language or is not approved",
        ),
        132005 => (Fail, "the template's translated text is too long"),
        132007 => (Fail, "the template breaks WhatsApp's policy"),
        132012 => (Fail, "a template parameter has the wrong format"),
        132015 => (Fail, "the template is paused for low quality; pick another"),
        132016 => (Fail, "the template is disabled for good; create a new one"),
        132018 => (Fail, "a template parameter was refused"),
        131031 => (
            Attention,
            "the WhatsApp account is locked or restricted (or its two-step PIN does not match)",
        ),
        131042 => (
            Attention,
            "the WhatsApp account has a payment problem; templates cannot be sent",
        ),
        131057 => (Retry, "the number is in maintenance for a minute; retrying"),
        130497 => (Fail, "messages to this customer's country are restricted"),
        130403 => (Fail, "the business has blocked this customer"),
        368 => (
            Attention,
            "the WhatsApp account is restricted for a policy violation",
        ),
        190 | 102 => (
            Attention,
            "the access token has expired or is invalid: give the channel a new one",
        ),
        0 | 3 | 10 | 200..=299 => (
            Attention,
            "the access token lacks a permission WhatsApp requires",
        ),
        100 | 131008 | 131009 => (Fail, "WhatsApp refused the request's parameters"),
        4 | 80007 => (Retry, "WhatsApp's rate limit was reached; retrying"),
        1 | 2 | 131000 | 131016 | 133004 => (Retry, "WhatsApp had a temporary failure; retrying"),
        _ => return None,
    })
}

/// The text kept on a message for an error: the meaning, then WhatsApp's own words.
pub fn describe(code: i64, details: Option<&str>) -> String {
    let m = meaning(code);
    match details.filter(|d| !d.trim().is_empty()) {
        Some(d) => format!("{} (WhatsApp {code}: {d})", m.reason),
        None => format!("{} (WhatsApp {code})", m.reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_reference_has_its_action() {
        for code in [
            130429, 131056, 131057, 4, 80007, 1, 2, 131000, 131016, 133004,
        ] {
            assert_eq!(meaning(code).action, Action::Retry, "{code}");
        }
        for code in [
            131047, 131026, 131051, 131052, 131053, 131049, 131050, 132000, 132001, 132005, 132007,
            132012, 132015, 132016, 132018, 130497, 130403, 100, 131008, 131009,
        ] {
            assert_eq!(meaning(code).action, Action::Fail, "{code}");
        }
        for code in [190, 102, 131031, 131042, 131048, 368, 0, 3, 10, 200, 299] {
            assert_eq!(meaning(code).action, Action::Attention, "{code}");
        }
        assert!(meaning(131047).reason.contains("24 hours"));
        assert_eq!(
            describe(131047, Some("Message failed to send")),
            "more than 24 hours have passed since the customer last wrote; only a template may be sent (WhatsApp 131047: Message failed to send)"
        );
        assert!(describe(999_999, None).ends_with("(WhatsApp 999999)"));
        assert!(!is_known(999_999) && is_known(131047));
    }
}
