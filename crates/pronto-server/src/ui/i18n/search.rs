//! Texts of the search box, its results and the reply suggestions.

use serde::Serialize;

/// Texts of the search box, its results and the reply suggestions, in one language.
#[derive(Serialize)]
pub struct Search {
    /// Search
    pub label: &'static str,
    /// Messages, notes, contacts, labels
    pub placeholder: &'static str,
    /// Search (the button)
    pub button: &'static str,
    /// Results for “{q}”
    pub results: &'static str,
    /// Nothing found for “{q}”.
    pub none: &'static str,
    /// Back to the list
    pub clear: &'static str,
    /// More results
    pub more: &'static str,
    /// Contact
    pub kind_contact: &'static str,
    /// Label
    pub kind_label: &'static str,
    /// Message
    pub kind_message: &'static str,
    /// Note
    pub kind_note: &'static str,
    /// Suggested replies
    pub suggestions: &'static str,
    /// Saved reply
    pub from_saved: &'static str,
    /// Past answer
    pub from_past: &'static str,
    /// See where it was sent
    pub open_source: &'static str,
    /// Alt+{n} inserts it; nothing is sent until you send.
    pub insert_hint: &'static str,
    /// Filters
    pub filters: &'static str,
    /// Folder
    pub filter_folder: &'static str,
    /// Any folder
    pub any_folder: &'static str,
    /// Assigned to
    pub filter_assignee: &'static str,
    /// Anyone
    pub anyone: &'static str,
    /// Me
    pub me: &'static str,
    /// Label
    pub filter_label: &'static str,
    /// From (day)
    pub filter_from: &'static str,
    /// To (day, included)
    pub filter_to: &'static str,
    /// Apply
    pub apply_filters: &'static str,
    /// Clear the filters
    pub clear_filters: &'static str,
}

/// English.
pub const EN: Search = Search {
    label: "Search",
    placeholder: "Messages, notes, contacts, labels",
    button: "Search",
    results: "Results for “{q}”",
    none: "Nothing found for “{q}”.",
    clear: "Back to the list",
    more: "More results",
    kind_contact: "Contact",
    kind_label: "Label",
    kind_message: "Message",
    kind_note: "Note",
    suggestions: "Suggested replies",
    from_saved: "Saved reply",
    from_past: "Past answer",
    open_source: "See where it was sent",
    insert_hint: "Alt+{n} inserts it; nothing is sent until you send.",
    filters: "Filters",
    filter_folder: "Folder",
    any_folder: "Any folder",
    filter_assignee: "Assigned to",
    anyone: "Anyone",
    me: "Me",
    filter_label: "Label",
    filter_from: "From",
    filter_to: "To (included)",
    apply_filters: "Apply",
    clear_filters: "Clear the filters",
};

/// French.
pub const FR: Search = Search {
    label: "Rechercher",
    placeholder: "Messages, notes, contacts, étiquettes",
    button: "Rechercher",
    results: "Résultats pour « {q} »",
    none: "Rien trouvé pour « {q} ».",
    clear: "Retour à la liste",
    more: "Plus de résultats",
    kind_contact: "Contact",
    kind_label: "Étiquette",
    kind_message: "Message",
    kind_note: "Note",
    suggestions: "Réponses suggérées",
    from_saved: "Réponse enregistrée",
    from_past: "Réponse déjà donnée",
    open_source: "Voir où elle a été envoyée",
    insert_hint: "Alt+{n} l’insère ; rien ne part avant que vous envoyiez.",
    filters: "Filtres",
    filter_folder: "Dossier",
    any_folder: "Tous les dossiers",
    filter_assignee: "Attribuée à",
    anyone: "N’importe qui",
    me: "Moi",
    filter_label: "Étiquette",
    filter_from: "Du",
    filter_to: "Au (inclus)",
    apply_filters: "Appliquer",
    clear_filters: "Effacer les filtres",
};

/// Italian.
pub const IT: Search = Search {
    label: "Cerca",
    placeholder: "Messaggi, note, contatti, etichette",
    button: "Cerca",
    results: "Risultati per «{q}»",
    none: "Nessun risultato per «{q}».",
    clear: "Torna all’elenco",
    more: "Altri risultati",
    kind_contact: "Contatto",
    kind_label: "Etichetta",
    kind_message: "Messaggio",
    kind_note: "Nota",
    suggestions: "Risposte suggerite",
    from_saved: "Risposta salvata",
    from_past: "Risposta già data",
    open_source: "Vedi dove è stata inviata",
    insert_hint: "Alt+{n} la inserisce; nulla parte finché non invii.",
    filters: "Filtri",
    filter_folder: "Cartella",
    any_folder: "Tutte le cartelle",
    filter_assignee: "Assegnata a",
    anyone: "Chiunque",
    me: "Me",
    filter_label: "Etichetta",
    filter_from: "Dal",
    filter_to: "Al (incluso)",
    apply_filters: "Applica",
    clear_filters: "Cancella i filtri",
};
