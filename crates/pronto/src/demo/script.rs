//! The demo's words and settings: who works at the demo shop, what customers write
//! in the history, what agents and the bot answer, the channel's automations and the
//! saved replies. Kept apart from the code that sends them so that the texts can be
//! read (and translated) in one place.

use serde_json::{Value, json};

/// The demo's agents: name, email, the language routing gives them and they answer in.
pub const AGENTS: [(&str, &str, Lang); 3] = [
    ("Ana", "ana@pronto.test", Lang::En),
    ("Marco", "marco@pronto.test", Lang::It),
    ("Léa", "lea@pronto.test", Lang::Fr),
];

/// The three languages of the demo's customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
    It,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::It];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::It => "it",
        }
    }

    /// A customer's first message in the history.
    pub fn questions(self) -> &'static [&'static str] {
        match self {
            Lang::En => &[
                "Hi! Is the blue jacket still available in M?",
                "Where is my order? It was due yesterday.",
                "Do you ship to Canada?",
                "Can I return shoes I bought last week?",
                "What time do you open on Saturday?",
                "Hello, my parcel arrived damaged.",
                "Do you have gift cards?",
                "Is there a discount for students?",
            ],
            Lang::Fr => &[
                "Bonjour, la veste bleue existe-t-elle en M ?",
                "Où en est ma commande ? Elle devait arriver hier.",
                "Livrez-vous en Belgique ?",
                "Puis-je retourner des chaussures achetées la semaine dernière ?",
                "Vous ouvrez à quelle heure samedi ?",
                "Bonjour, mon colis est arrivé abîmé.",
                "Avez-vous des cartes cadeaux ?",
            ],
            Lang::It => &[
                "Ciao, la giacca blu c'è ancora in M?",
                "Dov'è il mio ordine? Doveva arrivare ieri.",
                "Spedite in Svizzera?",
                "Posso restituire le scarpe comprate la settimana scorsa?",
                "A che ora aprite sabato?",
                "Buongiorno, il pacco è arrivato danneggiato.",
                "Avete buoni regalo?",
            ],
        }
    }

    /// A customer's second message, a minute or two after the first.
    pub fn follow_ups(self) -> &'static [&'static str] {
        match self {
            Lang::En => &[
                "Order number is 48213.",
                "Thanks in advance!",
                "Anyone there?",
            ],
            Lang::Fr => &[
                "Numéro de commande 48213.",
                "Merci d'avance !",
                "Il y a quelqu'un ?",
            ],
            Lang::It => &[
                "Il numero d'ordine è 48213.",
                "Grazie mille!",
                "C'è qualcuno?",
            ],
        }
    }

    /// An agent's answer.
    pub fn answers(self) -> &'static [&'static str] {
        match self {
            Lang::En => &[
                "Hi! Yes, we still have it in M. Shall I put one aside for you?",
                "Sorry for the wait! Your parcel left yesterday; you'll get it tomorrow.",
                "We do, delivery takes 3 to 5 working days.",
                "Of course: returns are free within 30 days. I'm sending you the label.",
                "Thanks for telling us. We're sending a new one today.",
                "Thanks for your message! Let me check and I'll come back to you shortly.",
                "We're open Monday to Friday 9:00-18:00 and Saturday 10:00-14:00.",
            ],
            Lang::Fr => &[
                "Bonjour ! Oui, il nous en reste en M. Je vous la mets de côté ?",
                "Désolée pour l'attente ! Votre colis est parti hier, il arrive demain.",
                "Oui, la livraison prend 3 à 5 jours ouvrés.",
                "Bien sûr : les retours sont gratuits pendant 30 jours. Je vous envoie l'étiquette.",
                "Merci de nous l'avoir dit, nous vous en renvoyons un aujourd'hui.",
                "Merci pour votre message ! Je vérifie et je reviens vers vous.",
                "Nous sommes ouverts du lundi au vendredi de 9 h à 18 h, et le samedi de 10 h à 14 h.",
            ],
            Lang::It => &[
                "Ciao! Sì, c'è ancora in M. Te la mettiamo da parte?",
                "Scusa l'attesa! Il pacco è partito ieri, arriva domani.",
                "Sì, la consegna richiede da 3 a 5 giorni lavorativi.",
                "Certo: i resi sono gratuiti entro 30 giorni. Ti mando l'etichetta.",
                "Grazie per avercelo detto, te ne spediamo uno nuovo oggi.",
                "Grazie del messaggio! Controllo e ti rispondo subito.",
                "Siamo aperti dal lunedì al venerdì 9-18 e il sabato 10-14.",
            ],
        }
    }

    /// The order-tracking bot's answer (a different app connected to the Page).
    pub fn bot_answer(self) -> &'static str {
        match self {
            Lang::En => {
                "🤖 TrackBot: your last order is on its way, delivery expected within 2 days."
            }
            Lang::Fr => {
                "🤖 TrackBot : votre dernière commande est en route, livraison prévue sous 2 jours."
            }
            Lang::It => {
                "🤖 TrackBot: il tuo ultimo ordine è in viaggio, consegna prevista entro 2 giorni."
            }
        }
    }

    /// The agent's answer that fits `question` best: the topic is found from a few
    /// words in any of the three languages, and a polite holding answer otherwise.
    pub fn answer_for(self, question: &str) -> &'static str {
        const TOPICS: [&[&str]; 5] = [
            &[
                "available",
                "disponible",
                "disponibile",
                "jacket",
                "veste",
                "giacca",
            ],
            &["order", "commande", "ordine", "parcel", "colis", "pacco"],
            &[
                "ship",
                "livrez",
                "spedite",
                "delivery",
                "livraison",
                "consegna",
            ],
            &[
                "return",
                "retourner",
                "restituire",
                "size",
                "taille",
                "taglia",
            ],
            &["damaged", "abîmé", "danneggiato", "broken"],
        ];
        let words = words(question);
        let hours = [
            "open", "opening", "hours", "ouverts", "horaires", "aperti", "orari",
        ];
        let topic = TOPICS
            .iter()
            .position(|t| words.iter().any(|w| t.contains(&w.as_str())))
            .unwrap_or(if words.iter().any(|w| hours.contains(&w.as_str())) {
                6
            } else {
                5
            });
        self.answers().get(topic).copied().unwrap_or_default()
    }

    /// A guess at the language of a customer's text, for choosing who answers: the
    /// simulated customers write only these three, so a few telling words suffice.
    pub fn guess(text: &str) -> Lang {
        let words = words(text);
        let score = |list: &[&str]| words.iter().filter(|w| list.contains(&w.as_str())).count();
        let fr = score(&[
            "bonjour", "est", "ma", "mon", "vous", "je", "merci", "commande", "encore", "livrez",
            "colis", "pour", "une", "le", "la", "suivre", "parler", "quelqu", "ouverts",
            "dimanche", "où", "beaucoup", "parfait", "oui", "non",
        ]);
        let it = score(&[
            "ciao",
            "il",
            "mio",
            "grazie",
            "ordine",
            "spedite",
            "è",
            "ancora",
            "per",
            "una",
            "buongiorno",
            "pacco",
            "traccia",
            "parla",
            "con",
            "noi",
            "siete",
            "aperti",
            "domenica",
            "mille",
            "gentilissimi",
            "sì",
            "dov",
        ]);
        match (fr, it) {
            (0, 0) => Lang::En,
            (f, i) if f >= i => Lang::Fr,
            _ => Lang::It,
        }
    }
}

/// The lowercase words of a text, apostrophes splitting them (`l'ordine`).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// First names for the history's customers, by language.
pub fn first_names(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Emma", "Oliver", "Grace", "Jack", "Chloe", "Harry", "Ruby", "Noah",
        ],
        Lang::Fr => &[
            "Camille", "Louis", "Manon", "Hugo", "Inès", "Jules", "Chloé", "Théo",
        ],
        Lang::It => &[
            "Giulia", "Luca", "Sofia", "Matteo", "Chiara", "Davide", "Elena", "Paolo",
        ],
    }
}

/// The channel's automations: business hours in Paris, an instant reply, an away
/// message and one keyword reply (as `PUT /api/v1/channels/{id}/automation` takes
/// them).
pub fn automation() -> Value {
    let day = json!(["09:00-18:00"]);
    json!({
        "hours": {
            "timezone": "Europe/Paris",
            "weekly": {
                "monday": day, "tuesday": day, "wednesday": day, "thursday": day,
                "friday": day, "saturday": ["10:00-14:00"],
            },
        },
        "instant_reply": {
            "enabled": true,
            "text": "Hi {first_name}! Thanks for your message, a person from the team answers in {wait}.",
            "translations": {
                "fr": "Bonjour {first_name} ! Merci pour votre message, une personne de l'équipe répond d'ici {wait}.",
                "it": "Ciao {first_name}! Grazie del messaggio, una persona del team risponde entro {wait}.",
            },
        },
        "away_message": {
            "enabled": true,
            "text": "Hi {first_name}, the shop is closed right now. We are back {back_at}.",
            "translations": {
                "fr": "Bonjour {first_name}, la boutique est fermée pour le moment. Nous revenons {back_at}.",
                "it": "Ciao {first_name}, il negozio è chiuso in questo momento. Torniamo {back_at}.",
            },
        },
        "keyword_replies": {
            "rules": [{
                "keywords": ["opening hours", "horaires", "orari"],
                "reply": "Our opening hours today: {hours}.",
                "translations": {
                    "fr": "Nos horaires aujourd'hui : {hours}.",
                    "it": "I nostri orari di oggi: {hours}.",
                },
            }],
            "limit_per_conversation": 2,
        },
    })
}

/// A rule that shows the alerts: a customer who asks for a refund or says it is
/// urgent gets the conversation labelled and the admin (`admin`, a user id)
/// notified, in the browser and on their devices.
pub fn alert_rule(admin: i64) -> Value {
    json!({
        "name": "Urgent or refund: tell the admin",
        "when": {"type": "customer_message"},
        "if": [{"type": "text_matches", "pattern": "(?i)\\b(urgent|refund|rembourse\\w*|rimbors\\w*)\\b"}],
        "then": [{"type": "label", "label": "urgent"}, {"type": "notify", "user": admin}],
    })
}

/// Saved replies: (name, shortcut, text).
pub const SAVED_REPLIES: [(&str, &str, &str); 5] = [
    (
        "Hello",
        "hello",
        "Hi {first_name}! I'm {agent_name} from the shop, how can I help?",
    ),
    (
        "Thanks",
        "thanks",
        "Thank you {first_name}, have a lovely day!",
    ),
    (
        "Opening hours",
        "hours",
        "We are open Monday to Friday 9:00-18:00 and Saturday 10:00-14:00 (Paris time).",
    ),
    (
        "Bonjour",
        "bonjour",
        "Bonjour {first_name} ! Ici {agent_name}, comment puis-je vous aider ?",
    ),
    (
        "Grazie",
        "grazie",
        "Grazie {first_name}, buona giornata da {agent_name}!",
    ),
];
