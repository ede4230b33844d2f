//! Texts of the comments page.

use serde::Serialize;

/// Texts of the comments page, in one language.
#[derive(Serialize)]
pub struct Comments {
    /// Comments
    pub title: &'static str,
    /// Comments on your posts. Each may get one private reply in the commenter's inbox, within 7 days.
    pub intro: &'static str,
    /// Show
    pub filter_label: &'static str,
    /// All comments
    pub all: &'static str,
    /// Without a private reply
    pub unanswered: &'static str,
    /// No comments here.
    pub empty: &'static str,
    /// On post {post}
    pub on_post: &'static str,
    /// The commenter removed this comment.
    pub removed: &'static str,
    /// Answered privately
    pub replied: &'static str,
    /// Open the conversation
    pub open_conversation: &'static str,
    /// Private reply to {name}
    pub reply_label: &'static str,
    /// Write the private reply
    pub reply_placeholder: &'static str,
    /// Send privately
    pub send: &'static str,
    /// Too late for a private reply: the 7 days ended {date}.
    pub expired: &'static str,
    /// A private reply is possible until {date}.
    pub until: &'static str,
}

/// In English.
pub const EN: Comments = Comments {
    title: "Comments",
    intro: "Comments on your posts. Each may get one private reply in the commenter's inbox, within 7 days.",
    filter_label: "Show",
    all: "All comments",
    unanswered: "Without a private reply",
    empty: "No comments here.",
    on_post: "On post {post}",
    removed: "The commenter removed this comment.",
    replied: "Answered privately",
    open_conversation: "Open the conversation",
    reply_label: "Private reply to {name}",
    reply_placeholder: "Write the private reply",
    send: "Send privately",
    expired: "Too late for a private reply: the 7 days ended {date}.",
    until: "A private reply is possible until {date}.",
};

/// In French.
pub const FR: Comments = Comments {
    title: "Commentaires",
    intro: "Les commentaires sur vos publications. Chacun peut recevoir une réponse privée dans la messagerie de son auteur, dans les 7 jours.",
    filter_label: "Afficher",
    all: "Tous les commentaires",
    unanswered: "Sans réponse privée",
    empty: "Aucun commentaire ici.",
    on_post: "Sur la publication {post}",
    removed: "L'auteur a supprimé ce commentaire.",
    replied: "Réponse privée envoyée",
    open_conversation: "Ouvrir la conversation",
    reply_label: "Réponse privée à {name}",
    reply_placeholder: "Écrivez la réponse privée",
    send: "Envoyer en privé",
    expired: "Trop tard pour une réponse privée : les 7 jours ont pris fin le {date}.",
    until: "Une réponse privée est possible jusqu'au {date}.",
};

/// In Italian.
pub const IT: Comments = Comments {
    title: "Commenti",
    intro: "I commenti ai tuoi post. Ognuno può ricevere una risposta privata nei messaggi di chi l'ha scritto, entro 7 giorni.",
    filter_label: "Mostra",
    all: "Tutti i commenti",
    unanswered: "Senza risposta privata",
    empty: "Nessun commento qui.",
    on_post: "Sul post {post}",
    removed: "L'autore ha rimosso questo commento.",
    replied: "Risposta privata inviata",
    open_conversation: "Apri la conversazione",
    reply_label: "Risposta privata a {name}",
    reply_placeholder: "Scrivi la risposta privata",
    send: "Invia in privato",
    expired: "Troppo tardi per una risposta privata: i 7 giorni sono finiti il {date}.",
    until: "Una risposta privata è possibile fino al {date}.",
};
