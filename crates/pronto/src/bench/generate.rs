//! A generated channel shaped like a busy Page: conversations spread over a year, each
//! a few sessions of back-and-forth, mostly answered within minutes by agents, some by
//! bots, some never; instant replies; nightly away periods; conversations moved to done
//! and, rarely, to spam.

use pronto_core::time::{DAY, HOUR, MICROS_PER_SECOND, MINUTE};
use pronto_core::{
    Author, Event, EventKind, EventLog, Folder, Presence, Sender, Stream, Timestamp,
};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// How many messages, in all.
    pub messages: u64,
    /// How many conversations they fall in.
    pub conversations: u64,
    /// The first day.
    pub start: Timestamp,
    /// How many days.
    pub days: i64,
    /// The seed of the pseudo-random sequence.
    pub seed: u64,
}

/// A small, fast, deterministic pseudo-random sequence (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform integer in `[lo, hi)`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo).max(1) as u64) as i64
    }

    /// An exponentially distributed number with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }
}

/// Generates the channel's events, in stream order.
pub fn channel(shape: Shape) -> Stream {
    let mut rng = Rng::new(shape.seed);
    let mut log = EventLog::new();
    let per_conv = (shape.messages / shape.conversations.max(1)).max(1);
    let mut extra = shape.messages - per_conv * shape.conversations;
    let span = shape.days * DAY;
    for c in 0..shape.conversations {
        let conversation = log.conversation(&format!("c{c}"));
        let mut left = per_conv + u64::from(extra > 0);
        extra = extra.saturating_sub(1);
        let mut t = shape.start.micros() + rng.range(0, span - 3 * DAY);
        while left > 0 {
            left = session(&mut rng, &mut log, conversation, &mut t, left);
            // The next session comes after at least a day of silence.
            t += DAY + rng.range(0, 20 * DAY);
            if t >= shape.start.micros() + span {
                break;
            }
        }
    }
    // The team sets itself away at 22:00 and back at 07:00 (UTC) every day.
    for d in 0..shape.days {
        let day = shape.start.micros() + d * DAY;
        log.push(Event {
            at: Timestamp::from_micros(day + 7 * HOUR),
            kind: EventKind::Status(Presence::Available),
        });
        log.push(Event {
            at: Timestamp::from_micros(day + 22 * HOUR),
            kind: EventKind::Status(Presence::Away),
        });
    }
    log.into_stream()
}

/// One session of a conversation starting at `*t`; returns the messages still to write.
fn session(
    rng: &mut Rng,
    log: &mut EventLog,
    conversation: pronto_core::ConvId,
    t: &mut i64,
    mut left: u64,
) -> u64 {
    let message = |log: &mut EventLog, at: i64, sender: Sender| {
        log.push(Event {
            at: Timestamp::from_micros(at),
            kind: EventKind::Message {
                conversation,
                sender,
                agent: None,
                id: None,
            },
        });
    };
    // This session's share: most conversations are one session, some come back.
    let share = if left > 4 && rng.unit() < 0.3 {
        left / 2
    } else {
        left
    };
    let mut budget = share;
    message(log, *t, Sender::Customer);
    budget -= 1;
    if budget > 0 && rng.unit() < 0.2 {
        *t += rng.range(0, 2 * MICROS_PER_SECOND);
        message(log, *t, Sender::Business(Author::Automation));
        budget -= 1;
    }
    let roll = rng.unit();
    if budget > 0 && roll < 0.92 {
        let (author, delay) = if roll < 0.25 {
            (
                Author::Bot,
                rng.range(MICROS_PER_SECOND / 2, 5 * MICROS_PER_SECOND),
            )
        } else if roll < 0.89 {
            (Author::Agent, (rng.exponential(6.0) * MINUTE as f64) as i64)
        } else {
            (Author::Agent, rng.range(HOUR, 30 * HOUR))
        };
        *t += delay;
        message(log, *t, Sender::Business(author));
        budget -= 1;
    }
    // The rest of the session: back and forth, a few minutes apart.
    let mut customer = true;
    while budget > 0 {
        *t += rng.range(30 * MICROS_PER_SECOND, 10 * MINUTE);
        let sender = if customer {
            Sender::Customer
        } else {
            Sender::Business(Author::Agent)
        };
        message(log, *t, sender);
        customer = !customer;
        budget -= 1;
    }
    // Three sessions in ten end in done; one in two hundred in spam.
    let fate = rng.unit();
    let folder = if fate < 0.3 {
        Some(Folder::Done)
    } else if fate >= 0.995 {
        Some(Folder::Spam)
    } else {
        None
    };
    if let Some(folder) = folder {
        *t += rng.range(MINUTE, HOUR);
        log.push(Event {
            at: Timestamp::from_micros(*t),
            kind: EventKind::Folder {
                conversation,
                folder,
            },
        });
    }
    left -= share;
    left
}
