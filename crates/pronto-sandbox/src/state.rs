//! What the sandbox remembers, behind the `Sandbox`'s one mutex.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_json::Value;

use crate::sandbox::{LoggedRequest, PageConfig};

#[derive(Default)]
pub(crate) struct State {
    pub pages: BTreeMap<String, PageConfig>,
    pub revoked: HashSet<String>,
    /// Customers by (page, PSID or IGSID).
    pub customers: BTreeMap<(String, String), Customer>,
    /// Comments by id: who wrote them, when, and whether they got their private reply.
    pub comments: HashMap<String, Comment>,
    /// Message id to its conversation (page, customer).
    pub messages: HashMap<String, (String, String)>,
    pub log: Vec<LoggedRequest>,
    pub script: VecDeque<(u16, Value)>,
    pub pending: VecDeque<Pending>,
    /// Numbers ids and trace ids, so that each is unique in a run.
    pub counter: u64,
    /// WhatsApp numbers, their customers' windows, the messages sent.
    pub whatsapp: crate::whatsapp::WaState,
    /// Files customers sent on Messenger and Instagram, as the CDN serves them
    /// (`/attachments/{key}/{name}`): the type and the bytes.
    pub cdn: HashMap<String, (String, Vec<u8>)>,
}

pub(crate) struct Customer {
    pub name: String,
    /// What their profile says beyond the name (Messenger's locale, Instagram's
    /// username, hours from GMT).
    pub locale: Option<String>,
    pub username: Option<String>,
    pub utc_offset: Option<i64>,
    /// The last message, postback or reaction: what opens the 24-hour window.
    pub last_action: Option<i64>,
    /// The conversation, oldest first.
    pub history: Vec<Msg>,
}

#[derive(Clone)]
pub(crate) struct Msg {
    pub mid: String,
    pub from_customer: bool,
    pub text: String,
    pub at: i64,
}

pub(crate) struct Comment {
    pub page: String,
    pub from: String,
    pub at: i64,
    pub replied: bool,
}

/// A webhook waiting to be delivered (an echo).
pub(crate) struct Pending {
    pub url: String,
    pub secret: String,
    pub body: Vec<u8>,
    pub attempts: u32,
}

impl State {
    pub fn next_id(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// The page whose token this is, unless unknown or revoked.
    pub fn page_of_token(&self, token: &str) -> Option<&PageConfig> {
        if token.is_empty() || self.revoked.contains(token) {
            return None;
        }
        self.pages.values().find(|p| p.token == token)
    }

    pub fn customer(&mut self, page: &str, id: &str, name: &str) -> &mut Customer {
        let customer = self
            .customers
            .entry((page.to_owned(), id.to_owned()))
            .or_insert_with(|| Customer {
                name: name.to_owned(),
                locale: None,
                username: None,
                utc_offset: None,
                last_action: None,
                history: Vec::new(),
            });
        // A customer first known without a name (their profile set first) learns it.
        if customer.name.is_empty() {
            customer.name = name.to_owned();
        }
        customer
    }

    /// Adds a message to a conversation, kept in time order.
    pub fn record(&mut self, page: &str, customer: &str, msg: Msg) {
        self.messages
            .insert(msg.mid.clone(), (page.to_owned(), customer.to_owned()));
        let c = self.customer(page, customer, "");
        let at = c.history.partition_point(|m| m.at <= msg.at);
        if msg.from_customer {
            c.last_action = Some(c.last_action.map_or(msg.at, |l| l.max(msg.at)));
        }
        c.history.insert(at, msg);
    }
}
