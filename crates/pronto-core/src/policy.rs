//! The platforms' messaging rules, decided before anything is sent: the 24-hour
//! window, the `HUMAN_AGENT` tag (7 days, people only), one private reply per
//! comment within 7 days, WhatsApp templates outside the window, WhatsApp's
//! 72-hour free entry point after a Click-to-WhatsApp ad, text length limits.
//!
//! Meta refuses what breaks these rules (error 10/2018278 and friends); deciding
//! first lets Pronto say why to the agent, with the time the window closed, instead of
//! queueing a message that can only fail.

use std::fmt;

use crate::event::Author;
use crate::time::{DAY, HOUR, Timestamp};

/// How long the `HUMAN_AGENT` tag allows a person to answer.
pub const HUMAN_AGENT_LIMIT: i64 = 7 * DAY;
/// How long after a comment a private reply is possible.
pub const PRIVATE_REPLY_LIMIT: i64 = 7 * DAY;
/// How long WhatsApp's free entry point lasts, from the business's reply.
pub const FREE_ENTRY_POINT: i64 = 72 * HOUR;

/// Where a reply goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Platform {
    /// Facebook Messenger.
    Messenger,
    /// Instagram Direct.
    Instagram,
    /// The WhatsApp Cloud API.
    WhatsApp,
    /// Channels without a window: web chat, email, an integrator's `api` channel.
    Open,
}

impl Platform {
    /// The longest text a message may carry, and the unit it is counted in.
    pub fn text_limit(self) -> Option<TextLimit> {
        match self {
            // "less than 2000 characters"
            Platform::Messenger => Some(TextLimit::Chars(1999)),
            // "1000 bytes or less" (another copy says characters; bytes is the stricter)
            Platform::Instagram => Some(TextLimit::Bytes(1000)),
            Platform::WhatsApp => Some(TextLimit::Chars(4096)),
            Platform::Open => None,
        }
    }
}

/// A text length limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextLimit {
    /// At most this many characters (Unicode scalar values).
    Chars(usize),
    /// At most this many bytes of UTF-8.
    Bytes(usize),
}

impl TextLimit {
    /// How long `text` is in this limit's unit.
    pub fn measure(self, text: &str) -> usize {
        match self {
            TextLimit::Chars(_) => text.chars().count(),
            TextLimit::Bytes(_) => text.len(),
        }
    }

    /// The limit.
    pub fn max(self) -> usize {
        match self {
            TextLimit::Chars(n) | TextLimit::Bytes(n) => n,
        }
    }

    fn unit(self) -> &'static str {
        match self {
            TextLimit::Chars(_) => "characters",
            TextLimit::Bytes(_) => "bytes",
        }
    }
}

/// What the channel allows beyond the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// The app has Meta's Human Agent feature (App Review) for this channel.
    pub human_agent: bool,
}

/// The facts a reply is judged on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplyFacts {
    /// The platform.
    pub platform: Platform,
    /// What the channel may do.
    pub capabilities: Capabilities,
    /// The customer's latest window-opening action (a message, a postback, a
    /// reaction, an m.me referral...); `None` if the customer never wrote.
    pub last_customer_action: Option<Timestamp>,
    /// Who writes the reply.
    pub author: Author,
    /// The moment it would be sent.
    pub now: Timestamp,
    /// The customer came from a Click-to-WhatsApp ad (WhatsApp only).
    pub entry_point: Option<EntryPoint>,
}

/// A customer who came from a Click-to-WhatsApp ad: their message carrying the
/// ad's referral, and the business's first message after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryPoint {
    /// When the message with the referral came.
    pub referred_at: Timestamp,
    /// The business's first message since, if any.
    pub first_reply_at: Option<Timestamp>,
}

/// Where WhatsApp's free entry point stands. Answering within the 24-hour window
/// of the ad's message opens 72 hours, from that answer, in which every message,
/// templates included, is free; the 24-hour window still governs what may be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeEntryPoint {
    /// Not answered yet: an answer before `reply_by` opens it.
    Offered {
        /// The end of the ad message's 24-hour window (exclusive).
        reply_by: Timestamp,
    },
    /// Open: messages are free until `until` (exclusive).
    Open {
        /// When it ends.
        until: Timestamp,
    },
    /// It was open and ended at `ended`.
    Over {
        /// When it ended.
        ended: Timestamp,
    },
}

/// The free entry point after `entry` at `now` on `platform`: only WhatsApp has
/// one, and only when the business answers (or can still answer) within the ad
/// message's 24-hour window; `None` otherwise.
pub fn free_entry_point(
    platform: Platform,
    entry: Option<EntryPoint>,
    now: Timestamp,
) -> Option<FreeEntryPoint> {
    let entry = entry.filter(|_| platform == Platform::WhatsApp)?;
    let reply_by = entry.referred_at.add_micros(DAY);
    match entry.first_reply_at {
        None if now < reply_by => Some(FreeEntryPoint::Offered { reply_by }),
        Some(r) if r < reply_by => {
            let until = r.add_micros(FREE_ENTRY_POINT);
            Some(if now < until {
                FreeEntryPoint::Open { until }
            } else {
                FreeEntryPoint::Over { ended: until }
            })
        }
        // Answered too late, or never: no free entry point.
        _ => None,
    }
}

/// Whether WhatsApp charges for a message sent at `facts.now`: a free-form message
/// never; a template (of `category`, as the account lists it) is free inside an
/// open free entry point, a utility one inside the 24-hour window too.
pub fn charged(facts: &ReplyFacts, template_category: Option<&str>) -> bool {
    let Some(category) = template_category else {
        return false;
    };
    let free_entry = matches!(
        free_entry_point(facts.platform, facts.entry_point, facts.now),
        Some(FreeEntryPoint::Open { .. })
    );
    let window_open = facts
        .last_customer_action
        .is_some_and(|last| facts.now.micros_since(last) < DAY);
    let utility = category.eq_ignore_ascii_case("utility");
    !(free_entry || (window_open && utility))
}

/// How Meta is told the message is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessagingType {
    /// Inside the 24-hour window.
    Response,
    /// Outside it, with a tag.
    MessageTag(Tag),
}

impl MessagingType {
    /// The Send API's `messaging_type` and `tag`.
    pub fn wire(self) -> (&'static str, Option<&'static str>) {
        match self {
            MessagingType::Response => ("RESPONSE", None),
            MessagingType::MessageTag(tag) => ("MESSAGE_TAG", Some(tag.wire())),
        }
    }
}

/// The message tags Pronto sends. The tags Meta retired on 2026-04-27
/// (`CONFIRMED_EVENT_UPDATE`, `ACCOUNT_UPDATE`, `POST_PURCHASE_UPDATE`) have no
/// variant, so they cannot be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// A person answering within 7 days.
    HumanAgent,
}

impl Tag {
    /// The Send API's spelling.
    pub fn wire(self) -> &'static str {
        match self {
            Tag::HumanAgent => "HUMAN_AGENT",
        }
    }
}

/// Why a reply would be refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The customer has not written on this channel: nothing to reply to.
    NoCustomerMessage,
    /// The 24-hour window is closed and only a person may use the Human Agent tag.
    AutomatedOutsideWindow {
        /// When the window closed.
        closed_at: Timestamp,
        /// Who tried.
        author: Author,
    },
    /// The window is closed and the channel lacks the Human Agent feature.
    HumanAgentNotEnabled {
        /// When the window closed.
        closed_at: Timestamp,
    },
    /// Even the Human Agent tag's 7 days are over.
    HumanAgentExpired {
        /// When the 7 days ended.
        closed_at: Timestamp,
    },
    /// WhatsApp outside its 24-hour window: only an approved template may go.
    TemplateRequired {
        /// When the window closed.
        closed_at: Timestamp,
    },
    /// The text is longer than the platform takes.
    TextTooLong {
        /// Its length, in the limit's unit.
        length: usize,
        /// The limit.
        limit: TextLimit,
    },
    /// A private reply was already sent to this comment.
    PrivateReplyUsed,
    /// The comment is more than 7 days old.
    PrivateReplyExpired {
        /// When the 7 days ended.
        closed_at: Timestamp,
    },
}

impl Refusal {
    /// A stable code for the API and the UI.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NoCustomerMessage => "no_customer_message",
            Refusal::AutomatedOutsideWindow { .. } => "window_closed_automated",
            Refusal::HumanAgentNotEnabled { .. } => "window_closed_no_human_agent",
            Refusal::HumanAgentExpired { .. } => "human_agent_expired",
            Refusal::TemplateRequired { .. } => "template_required",
            Refusal::TextTooLong { .. } => "text_too_long",
            Refusal::PrivateReplyUsed => "private_reply_used",
            Refusal::PrivateReplyExpired { .. } => "private_reply_expired",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Refusal::NoCustomerMessage => f.write_str(
                "the customer has not written on this channel yet, so there is nothing to reply to",
            ),
            Refusal::AutomatedOutsideWindow { closed_at, author } => write!(
                f,
                "the 24-hour window closed at {closed_at}; after it only a person may reply (with the Human Agent tag), not {}",
                match author {
                    Author::Bot => "a bot",
                    Author::Automation => "an automated reply",
                    Author::Agent => "an agent",
                }
            ),
            Refusal::HumanAgentNotEnabled { closed_at } => write!(
                f,
                "the 24-hour window closed at {closed_at} and this channel does not have Meta's Human Agent feature, which allows replies for 7 days"
            ),
            Refusal::HumanAgentExpired { closed_at } => write!(
                f,
                "the 7 days in which a person may reply with the Human Agent tag ended at {closed_at}; wait for the customer to write again"
            ),
            Refusal::TemplateRequired { closed_at } => write!(
                f,
                "WhatsApp's 24-hour window closed at {closed_at}; only an approved message template may be sent now"
            ),
            Refusal::TextTooLong { length, limit } => write!(
                f,
                "the text has {length} {unit}; the platform takes at most {max} {unit}",
                unit = limit.unit(),
                max = limit.max()
            ),
            Refusal::PrivateReplyUsed => {
                f.write_str("this comment already has its one private reply")
            }
            Refusal::PrivateReplyExpired { closed_at } => write!(
                f,
                "a private reply is possible for 7 days after the comment; that ended at {closed_at}"
            ),
        }
    }
}

/// The verdict on a reply.
pub type Decision = Result<MessagingType, Refusal>;

/// Decides whether a reply may be sent, and how.
pub fn decide_reply(facts: &ReplyFacts, text: &str) -> Decision {
    if let Some(limit) = facts.platform.text_limit() {
        let length = limit.measure(text);
        if length > limit.max() {
            return Err(Refusal::TextTooLong { length, limit });
        }
    }
    if facts.platform == Platform::Open {
        return Ok(MessagingType::Response);
    }
    let Some(last) = facts.last_customer_action else {
        return Err(Refusal::NoCustomerMessage);
    };
    let age = facts.now.micros_since(last);
    if age < DAY {
        return Ok(MessagingType::Response);
    }
    let closed_at = last.add_micros(DAY);
    match facts.platform {
        Platform::WhatsApp => Err(Refusal::TemplateRequired { closed_at }),
        _ if facts.author != Author::Agent => Err(Refusal::AutomatedOutsideWindow {
            closed_at,
            author: facts.author,
        }),
        _ if !facts.capabilities.human_agent => Err(Refusal::HumanAgentNotEnabled { closed_at }),
        _ if age < HUMAN_AGENT_LIMIT => Ok(MessagingType::MessageTag(Tag::HumanAgent)),
        _ => Err(Refusal::HumanAgentExpired {
            closed_at: last.add_micros(HUMAN_AGENT_LIMIT),
        }),
    }
}

/// The window's state for the agent's screen: until when a plain reply is possible,
/// and until when a person may still answer with the Human Agent tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowState {
    /// The end of the 24-hour window (exclusive), if the customer wrote.
    pub open_until: Option<Timestamp>,
    /// The end of the Human Agent period (exclusive), when the channel has the feature.
    pub human_agent_until: Option<Timestamp>,
    /// WhatsApp's free entry point after an ad, where there is one.
    pub free_entry_point: Option<FreeEntryPoint>,
}

/// The windows for a reply judged on `facts`: the 24-hour window after the
/// customer's latest action, the Human Agent period, WhatsApp's free entry point.
pub fn window(facts: &ReplyFacts) -> WindowState {
    let messenger_like = matches!(facts.platform, Platform::Messenger | Platform::Instagram);
    let last = facts.last_customer_action;
    WindowState {
        open_until: last.map(|t| t.add_micros(DAY)),
        human_agent_until: last
            .filter(|_| messenger_like && facts.capabilities.human_agent)
            .map(|t| t.add_micros(HUMAN_AGENT_LIMIT)),
        free_entry_point: free_entry_point(facts.platform, facts.entry_point, facts.now),
    }
}

/// Decides a private reply to a comment (Facebook or Instagram): one, within 7 days
/// of the comment.
pub fn decide_private_reply(
    comment_at: Timestamp,
    already_replied: bool,
    now: Timestamp,
    platform: Platform,
    text: &str,
) -> Result<(), Refusal> {
    if let Some(limit) = platform.text_limit() {
        let length = limit.measure(text);
        if length > limit.max() {
            return Err(Refusal::TextTooLong { length, limit });
        }
    }
    if already_replied {
        return Err(Refusal::PrivateReplyUsed);
    }
    if now.micros_since(comment_at) >= PRIVATE_REPLY_LIMIT {
        return Err(Refusal::PrivateReplyExpired {
            closed_at: comment_at.add_micros(PRIVATE_REPLY_LIMIT),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::MICROS_PER_SECOND;

    const LAST: i64 = 1_772_355_600_000_000; // 2026-03-01T09:00:00Z

    fn facts(platform: Platform, author: Author, human_agent: bool, after: i64) -> ReplyFacts {
        ReplyFacts {
            platform,
            capabilities: Capabilities { human_agent },
            last_customer_action: Some(Timestamp::from_micros(LAST)),
            author,
            now: Timestamp::from_micros(LAST + after),
            entry_point: None,
        }
    }

    #[test]
    fn the_window_is_open_until_the_24th_hour() {
        let almost = DAY - MICROS_PER_SECOND;
        for author in [Author::Agent, Author::Bot, Author::Automation] {
            for platform in [Platform::Messenger, Platform::Instagram, Platform::WhatsApp] {
                let d = decide_reply(&facts(platform, author, false, almost), "hi");
                assert_eq!(
                    d,
                    Ok(MessagingType::Response),
                    "{platform:?} {author:?} at 23:59:59"
                );
            }
        }
        // At exactly 24 h the window is closed.
        let closed = Timestamp::from_micros(LAST + DAY);
        assert_eq!(
            decide_reply(&facts(Platform::Messenger, Author::Bot, true, DAY), "hi"),
            Err(Refusal::AutomatedOutsideWindow {
                closed_at: closed,
                author: Author::Bot
            })
        );
        assert_eq!(
            decide_reply(
                &facts(Platform::Messenger, Author::Automation, true, DAY),
                "hi"
            ),
            Err(Refusal::AutomatedOutsideWindow {
                closed_at: closed,
                author: Author::Automation
            })
        );
        assert_eq!(
            decide_reply(&facts(Platform::WhatsApp, Author::Agent, true, DAY), "hi"),
            Err(Refusal::TemplateRequired { closed_at: closed })
        );
    }

    #[test]
    fn only_people_get_the_human_agent_tag_for_seven_days() {
        let tag = Ok(MessagingType::MessageTag(Tag::HumanAgent));
        assert_eq!(
            decide_reply(&facts(Platform::Messenger, Author::Agent, true, DAY), "hi"),
            tag
        );
        assert_eq!(
            decide_reply(
                &facts(Platform::Instagram, Author::Agent, true, 7 * DAY - 1),
                "hi"
            ),
            tag
        );
        assert_eq!(
            decide_reply(
                &facts(Platform::Messenger, Author::Agent, true, 7 * DAY),
                "hi"
            ),
            Err(Refusal::HumanAgentExpired {
                closed_at: Timestamp::from_micros(LAST + 7 * DAY)
            })
        );
        assert_eq!(
            decide_reply(&facts(Platform::Messenger, Author::Agent, false, DAY), "hi"),
            Err(Refusal::HumanAgentNotEnabled {
                closed_at: Timestamp::from_micros(LAST + DAY)
            })
        );
        assert_eq!(
            MessagingType::MessageTag(Tag::HumanAgent).wire(),
            ("MESSAGE_TAG", Some("HUMAN_AGENT"))
        );
        assert_eq!(MessagingType::Response.wire(), ("RESPONSE", None));
    }

    #[test]
    fn nothing_to_reply_to_and_open_channels() {
        let mut f = facts(Platform::Messenger, Author::Agent, true, 0);
        f.last_customer_action = None;
        assert_eq!(decide_reply(&f, "hi"), Err(Refusal::NoCustomerMessage));
        f.platform = Platform::Open;
        assert_eq!(
            decide_reply(&f, &"x".repeat(100_000)),
            Ok(MessagingType::Response)
        );
    }

    #[test]
    fn text_limits_name_the_limit() {
        let f = facts(Platform::Messenger, Author::Agent, false, 0);
        assert!(decide_reply(&f, &"é".repeat(1999)).is_ok());
        let err = decide_reply(&f, &"é".repeat(2000)).unwrap_err();
        assert_eq!(
            err,
            Refusal::TextTooLong {
                length: 2000,
                limit: TextLimit::Chars(1999)
            }
        );
        assert!(err.to_string().contains("at most 1999 characters"), "{err}");
        let ig = facts(Platform::Instagram, Author::Agent, false, 0);
        assert!(decide_reply(&ig, &"a".repeat(1000)).is_ok());
        // 500 two-byte characters are 1000 bytes; 501 are too many.
        assert!(decide_reply(&ig, &"é".repeat(500)).is_ok());
        assert_eq!(
            decide_reply(&ig, &"é".repeat(501)).unwrap_err().code(),
            "text_too_long"
        );
    }

    #[test]
    fn one_private_reply_within_seven_days() {
        let c = Timestamp::from_micros(LAST);
        let at = |d: i64| Timestamp::from_micros(LAST + d);
        assert_eq!(
            decide_private_reply(c, false, at(7 * DAY - 1), Platform::Messenger, "hi"),
            Ok(())
        );
        assert_eq!(
            decide_private_reply(c, false, at(7 * DAY), Platform::Messenger, "hi"),
            Err(Refusal::PrivateReplyExpired {
                closed_at: at(7 * DAY)
            })
        );
        assert_eq!(
            decide_private_reply(c, true, at(1), Platform::Instagram, "hi"),
            Err(Refusal::PrivateReplyUsed)
        );
    }

    #[test]
    fn the_window_state_for_the_screen() {
        let w = window(&facts(Platform::Messenger, Author::Agent, true, 0));
        assert_eq!(w.open_until, Some(Timestamp::from_micros(LAST + DAY)));
        assert_eq!(
            w.human_agent_until,
            Some(Timestamp::from_micros(LAST + 7 * DAY))
        );
        assert_eq!(w.free_entry_point, None);
        let w = window(&facts(Platform::WhatsApp, Author::Agent, true, 0));
        assert_eq!(w.human_agent_until, None);
        let never = ReplyFacts {
            last_customer_action: None,
            ..facts(Platform::Messenger, Author::Agent, false, 0)
        };
        assert_eq!(window(&never).open_until, None);
    }

    fn at(offset: i64) -> Timestamp {
        Timestamp::from_micros(LAST + offset)
    }

    fn entry(reply: Option<i64>) -> Option<EntryPoint> {
        Some(EntryPoint {
            referred_at: at(0),
            first_reply_at: reply.map(at),
        })
    }

    #[test]
    fn an_ad_answered_within_24_hours_opens_72_free_hours_from_the_answer() {
        let fep = |reply, now| free_entry_point(Platform::WhatsApp, entry(reply), at(now));
        // Not answered yet: offered until the ad message's window closes.
        assert_eq!(
            fep(None, HOUR),
            Some(FreeEntryPoint::Offered { reply_by: at(DAY) })
        );
        assert_eq!(fep(None, DAY), None, "too late to open it");
        // Answered at 2 h: free until 74 h, whatever the 24-hour window says.
        let open = Some(FreeEntryPoint::Open {
            until: at(2 * HOUR + FREE_ENTRY_POINT),
        });
        assert_eq!(fep(Some(2 * HOUR), 3 * HOUR), open);
        assert_eq!(fep(Some(2 * HOUR), 2 * HOUR + FREE_ENTRY_POINT - 1), open);
        assert_eq!(
            fep(Some(2 * HOUR), 2 * HOUR + FREE_ENTRY_POINT),
            Some(FreeEntryPoint::Over {
                ended: at(2 * HOUR + FREE_ENTRY_POINT)
            })
        );
        // Answered after the 24 hours: none.
        assert_eq!(fep(Some(DAY), DAY + HOUR), None);
        // Only WhatsApp has one; no ad, none.
        assert_eq!(
            free_entry_point(Platform::Messenger, entry(None), at(HOUR)),
            None
        );
        assert_eq!(free_entry_point(Platform::WhatsApp, None, at(HOUR)), None);
    }

    #[test]
    fn the_free_entry_point_changes_the_price_not_what_may_be_sent() {
        let wa = |after, reply: Option<i64>| ReplyFacts {
            entry_point: entry(reply),
            ..facts(Platform::WhatsApp, Author::Agent, false, after)
        };
        // Two days after the ad, answered within the hour: the 24-hour window is
        // closed (a template is still required) but a marketing template is free.
        let f = wa(2 * DAY, Some(HOUR));
        assert_eq!(
            decide_reply(&f, "hi"),
            Err(Refusal::TemplateRequired { closed_at: at(DAY) })
        );
        assert!(!charged(&f, Some("MARKETING")));
        assert!(matches!(
            window(&f).free_entry_point,
            Some(FreeEntryPoint::Open { .. })
        ));
        // After the 72 hours it is charged again.
        assert!(charged(&wa(4 * DAY, Some(HOUR)), Some("MARKETING")));
        // Without an ad: utility is free inside the window only, free-form always.
        let plain = facts(Platform::WhatsApp, Author::Agent, false, HOUR);
        assert!(!charged(&plain, Some("UTILITY")));
        assert!(charged(&plain, Some("MARKETING")));
        assert!(charged(
            &facts(Platform::WhatsApp, Author::Agent, false, 2 * DAY),
            Some("UTILITY")
        ));
        assert!(!charged(&plain, None));
    }

    #[test]
    fn refusals_explain_themselves() {
        let r = decide_reply(
            &facts(Platform::Messenger, Author::Bot, true, 2 * DAY),
            "hi",
        )
        .unwrap_err();
        assert_eq!(r.code(), "window_closed_automated");
        let text = r.to_string();
        assert!(
            text.contains("2026-03-02T09:00:00Z") && text.contains("a bot"),
            "{text}"
        );
    }
}
