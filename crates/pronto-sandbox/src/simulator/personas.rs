//! Who the simulated customers are and what they say, in English, French and
//! Italian.

use crate::ids::Rng;

#[derive(Debug, Clone)]
pub(crate) struct Persona {
    /// PSID (Messenger) or IGSID (Instagram).
    pub id: String,
    /// The Facebook user id that a Page's `feed` shows on comments (not the PSID).
    pub user_id: String,
    pub name: String,
    pub username: String,
    pub locale: &'static str,
}

pub(crate) struct Lines {
    pub texts: &'static [&'static str],
    pub quick_replies: &'static [(&'static str, &'static str)],
    pub postbacks: &'static [(&'static str, &'static str)],
    pub comments: &'static [&'static str],
    pub ad_title: &'static str,
}

pub(crate) const REACTIONS: [(&str, &str); 4] = [
    ("love", "\u{2764}\u{fe0f}"),
    ("like", "\u{1f44d}"),
    ("smile", "\u{1f60a}"),
    ("wow", "\u{1f62e}"),
];

const NAMES: [(&str, &str); 12] = [
    ("Emma Wilson", "en_US"),
    ("Liam Carter", "en_GB"),
    ("Olivia Brooks", "en_US"),
    ("Noah Bennett", "en_GB"),
    ("Camille Dubois", "fr_FR"),
    ("L\u{e9}a Martin", "fr_FR"),
    ("Hugo Bernard", "fr_FR"),
    ("Chlo\u{e9} Lef\u{e8}vre", "fr_FR"),
    ("Giulia Rossi", "it_IT"),
    ("Marco Bianchi", "it_IT"),
    ("Francesca Romano", "it_IT"),
    ("Luca Ricci", "it_IT"),
];

/// `n` customers, in a seeded order, with seeded ids.
pub(crate) fn cast(rng: &mut Rng, n: usize) -> Vec<Persona> {
    (0..n)
        .map(|i| {
            let (name, locale) =
                NAMES[(i + usize::try_from(rng.below(12)).unwrap_or(0)) % NAMES.len()];
            let username = name
                .to_lowercase()
                .replace(' ', ".")
                .replace(['\u{e9}', '\u{e8}'], "e");
            Persona {
                id: rng.digits(16),
                user_id: rng.digits(15),
                name: name.to_owned(),
                username,
                locale,
            }
        })
        .collect()
}

pub(crate) fn lines(locale: &str) -> &'static Lines {
    match locale.split('_').next() {
        Some("fr") => &FRENCH,
        Some("it") => &ITALIAN,
        _ => &ENGLISH,
    }
}

static ENGLISH: Lines = Lines {
    texts: &[
        "Hi! Is this still available?",
        "Where is my order? It was due yesterday.",
        "Do you ship to Canada?",
        "Can I change the size of my order?",
        "What are your opening hours on Sunday?",
        "Thanks, that helps a lot!",
    ],
    quick_replies: &[
        ("Yes", "QR_YES"),
        ("Order status", "QR_ORDER_STATUS"),
        ("Talk to someone", "QR_HUMAN"),
    ],
    postbacks: &[
        ("Get Started", "GET_STARTED"),
        ("Track my order", "TRACK_ORDER"),
    ],
    comments: &[
        "How much is this?",
        "Love it! Do you have it in blue?",
        "DM sent",
    ],
    ad_title: "Spring sale: 20% off everything",
};

static FRENCH: Lines = Lines {
    texts: &[
        "Bonjour, est-ce encore disponible ?",
        "O\u{f9} en est ma commande ? Elle devait arriver hier.",
        "Livrez-vous en Belgique ?",
        "Je voudrais changer la taille, c'est possible ?",
        "Vous \u{ea}tes ouverts le dimanche ?",
        "Merci beaucoup, c'est parfait !",
    ],
    quick_replies: &[
        ("Oui", "QR_YES"),
        ("Suivi de commande", "QR_ORDER_STATUS"),
        ("Parler \u{e0} quelqu'un", "QR_HUMAN"),
    ],
    postbacks: &[
        ("Commencer", "GET_STARTED"),
        ("Suivre ma commande", "TRACK_ORDER"),
    ],
    comments: &[
        "C'est combien ?",
        "Trop beau ! Il existe en bleu ?",
        "Je vous ai \u{e9}crit en priv\u{e9}",
    ],
    ad_title: "Soldes de printemps : -20 % sur tout",
};

static ITALIAN: Lines = Lines {
    texts: &[
        "Ciao, \u{e8} ancora disponibile?",
        "Dov'\u{e8} il mio ordine? Doveva arrivare ieri.",
        "Spedite in Svizzera?",
        "Posso cambiare la taglia del mio ordine?",
        "Siete aperti la domenica?",
        "Grazie mille, gentilissimi!",
    ],
    quick_replies: &[
        ("S\u{ec}", "QR_YES"),
        ("Stato dell'ordine", "QR_ORDER_STATUS"),
        ("Parla con noi", "QR_HUMAN"),
    ],
    postbacks: &[
        ("Inizia", "GET_STARTED"),
        ("Traccia l'ordine", "TRACK_ORDER"),
    ],
    comments: &[
        "Quanto costa?",
        "Bellissimo! C'\u{e8} anche in blu?",
        "Vi ho scritto in privato",
    ],
    ad_title: "Saldi di primavera: -20% su tutto",
};
