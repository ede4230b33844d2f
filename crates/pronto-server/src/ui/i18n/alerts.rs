//! Texts of alerts: the notifications, the top bar's switch and the preferences.

use serde::Serialize;

/// Texts of alerts, in one language.
#[derive(Serialize)]
pub struct Alerts {
    /// Turn on alerts
    pub turn_on: &'static str,
    /// Alerts on
    pub on: &'static str,
    /// Alerts blocked by the browser
    pub blocked: &'static str,
    /// A customer
    pub someone: &'static str,
    /// New conversation: {name}
    pub new_conversation: &'static str,
    /// {name} wrote
    pub customer_message: &'static str,
    /// Assigned to you: {name}
    pub assigned: &'static str,
    /// A rule asks you to look: {name}
    pub rule_notify: &'static str,
    /// Answer {name} now or the badge is lost
    pub at_risk: &'static str,
    /// Alerts
    pub prefs_title: &'static str,
    /// What Pronto tells you about, in this browser and on your devices.
    pub prefs_intro: &'static str,
    /// A new conversation nobody has
    pub p_new_conversation: &'static str,
    /// A customer writes in a conversation assigned to me
    pub p_customer_message: &'static str,
    /// A conversation is assigned to me
    pub p_assigned: &'static str,
    /// A rule asks for me
    pub p_rule_notify: &'static str,
    /// New conversations on these channels
    pub p_watched: &'static str,
    /// A message is about to cost the badge
    pub p_at_risk: &'static str,
    /// Play a sound
    pub p_sound: &'static str,
    /// What an alert shows
    pub p_preview: &'static str,
    /// The name and the first words of the message
    pub preview_message: &'static str,
    /// The name only
    pub preview_name: &'static str,
    /// Only that something happened
    pub preview_nothing: &'static str,
    /// Quiet hours (no alert)
    pub p_quiet: &'static str,
    /// Keep quiet hours
    pub p_quiet_on: &'static str,
    /// From (HH:MM)
    pub p_quiet_from: &'static str,
    /// To (HH:MM)
    pub p_quiet_to: &'static str,
    /// Time zone
    pub p_quiet_zone: &'static str,
    /// Save my alerts
    pub save: &'static str,
    /// Saved.
    pub saved: &'static str,
}

/// In English.
pub const EN: Alerts = Alerts {
    turn_on: "Turn on alerts",
    on: "Alerts on",
    blocked: "Alerts blocked by the browser",
    someone: "A customer",
    new_conversation: "New conversation: {name}",
    customer_message: "{name} wrote",
    assigned: "Assigned to you: {name}",
    rule_notify: "A rule asks you to look: {name}",
    at_risk: "Answer {name} now: the badge is at risk",
    prefs_title: "Alerts",
    prefs_intro: "What Pronto tells you about, in this browser and on your devices.",
    p_new_conversation: "A new conversation nobody has",
    p_customer_message: "A customer writes in a conversation assigned to me",
    p_assigned: "A conversation is assigned to me",
    p_rule_notify: "A rule asks for me",
    p_watched: "New conversations on these channels",
    p_at_risk: "A message is about to cost the badge (15 minutes)",
    p_sound: "Play a sound",
    p_preview: "What an alert shows",
    preview_message: "The name and the first words of the message",
    preview_name: "The name only",
    preview_nothing: "Only that something happened",
    p_quiet: "Quiet hours (no alert)",
    p_quiet_on: "Keep quiet hours",
    p_quiet_from: "From (HH:MM)",
    p_quiet_to: "To (HH:MM)",
    p_quiet_zone: "Time zone",
    save: "Save my alerts",
    saved: "Saved.",
};

/// En français.
pub const FR: Alerts = Alerts {
    turn_on: "Activer les alertes",
    on: "Alertes activées",
    blocked: "Alertes bloquées par le navigateur",
    someone: "Un client",
    new_conversation: "Nouvelle conversation : {name}",
    customer_message: "{name} a écrit",
    assigned: "Attribuée à vous : {name}",
    rule_notify: "Une règle vous demande de regarder : {name}",
    at_risk: "Répondez à {name} maintenant : le badge est en jeu",
    prefs_title: "Alertes",
    prefs_intro: "Ce dont Pronto vous avertit, dans ce navigateur et sur vos appareils.",
    p_new_conversation: "Une nouvelle conversation que personne n'a",
    p_customer_message: "Un client écrit dans une conversation qui m'est attribuée",
    p_assigned: "Une conversation m'est attribuée",
    p_rule_notify: "Une règle me demande",
    p_watched: "Nouvelles conversations sur ces canaux",
    p_at_risk: "Un message va coûter le badge (15 minutes)",
    p_sound: "Jouer un son",
    p_preview: "Ce qu'une alerte montre",
    preview_message: "Le nom et les premiers mots du message",
    preview_name: "Le nom seulement",
    preview_nothing: "Seulement que quelque chose est arrivé",
    p_quiet: "Heures calmes (aucune alerte)",
    p_quiet_on: "Avoir des heures calmes",
    p_quiet_from: "De (HH:MM)",
    p_quiet_to: "À (HH:MM)",
    p_quiet_zone: "Fuseau horaire",
    save: "Enregistrer mes alertes",
    saved: "Enregistré.",
};

/// In italiano.
pub const IT: Alerts = Alerts {
    turn_on: "Attiva gli avvisi",
    on: "Avvisi attivi",
    blocked: "Avvisi bloccati dal browser",
    someone: "Un cliente",
    new_conversation: "Nuova conversazione: {name}",
    customer_message: "{name} ha scritto",
    assigned: "Assegnata a te: {name}",
    rule_notify: "Una regola ti chiede di guardare: {name}",
    at_risk: "Rispondi a {name} ora: il badge è a rischio",
    prefs_title: "Avvisi",
    prefs_intro: "Di cosa ti avvisa Pronto, in questo browser e sui tuoi dispositivi.",
    p_new_conversation: "Una nuova conversazione che nessuno ha",
    p_customer_message: "Un cliente scrive in una conversazione assegnata a me",
    p_assigned: "Una conversazione mi viene assegnata",
    p_rule_notify: "Una regola mi chiama",
    p_watched: "Nuove conversazioni su questi canali",
    p_at_risk: "Un messaggio sta per costare il badge (15 minuti)",
    p_sound: "Riproduci un suono",
    p_preview: "Cosa mostra un avviso",
    preview_message: "Il nome e le prime parole del messaggio",
    preview_name: "Solo il nome",
    preview_nothing: "Solo che è successo qualcosa",
    p_quiet: "Ore di silenzio (nessun avviso)",
    p_quiet_on: "Usa le ore di silenzio",
    p_quiet_from: "Dalle (HH:MM)",
    p_quiet_to: "Alle (HH:MM)",
    p_quiet_zone: "Fuso orario",
    save: "Salva i miei avvisi",
    saved: "Salvato.",
};
