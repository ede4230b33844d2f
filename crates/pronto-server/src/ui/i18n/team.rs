//! Texts of the team page (members' routing profiles, who is away, VIP contacts,
//! the assignment log) and of the top bar's away switch.

use serde::Serialize;

/// Texts of the team page, in one language.
#[derive(Serialize)]
pub struct Team {
    /// Team
    pub title: &'static str,
    /// Who takes new conversations: each member's capacity, languages and labels. Routing gives nothing new to anyone away.
    pub intro: &'static str,
    /// Only an admin can change these.
    pub agent_hint: &'static str,
    /// Members
    pub members_title: &'static str,
    /// Away
    pub away: &'static str,
    /// Available
    pub available: &'static str,
    /// you
    pub you: &'static str,
    /// Most open conversations
    pub capacity: &'static str,
    /// Languages (codes such as fr or en_GB, separated by commas)
    pub languages: &'static str,
    /// Labels they handle (separated by commas)
    pub labels: &'static str,
    /// Capacity
    pub capacity_short: &'static str,
    /// Languages
    pub languages_short: &'static str,
    /// Labels
    pub labels_short: &'static str,
    /// none
    pub none: &'static str,
    /// Save
    pub save: &'static str,
    /// Save {name}'s profile
    pub save_named: &'static str,
    /// VIP contacts
    pub vip_title: &'static str,
    /// Routing hands their conversations out first.
    pub vip_intro: &'static str,
    /// No VIP contact.
    pub vip_empty: &'static str,
    /// No longer VIP
    pub vip_remove: &'static str,
    /// {name}: no longer VIP
    pub vip_remove_named: &'static str,
    /// Assignments
    pub log_title: &'static str,
    /// The latest routing decisions, with their reasons.
    pub log_intro: &'static str,
    /// The latest conversations routing gave you or took back, with the reasons.
    pub log_intro_agent: &'static str,
    /// No assignment yet.
    pub log_empty: &'static str,
    /// When
    pub log_when: &'static str,
    /// Conversation
    pub log_conversation: &'static str,
    /// What
    pub log_what: &'static str,
    /// Why
    pub log_why: &'static str,
    /// Assigned to {name}
    pub assigned: &'static str,
    /// Taken back from {name}
    pub unassigned: &'static str,
    /// Each available agent in turn
    pub reason_round_robin: &'static str,
    /// The least busy available agent
    pub reason_least_loaded: &'static str,
    /// Speaks the customer's language and handles the labels
    pub reason_skills: &'static str,
    /// Nobody had the skills: the least busy available agent
    pub reason_skills_fallback: &'static str,
    /// The agent went away while the customer waited
    pub reason_agent_away: &'static str,
    /// I'm away
    pub away_toggle: &'static str,
    /// While you are away, routing gives you no new conversation.
    pub away_toggle_hint: &'static str,
    /// Away until {time}
    pub away_until: &'static str,
    /// For how long (the top bar's choice, before going away)
    pub away_for: &'static str,
    /// Until I'm back
    pub away_for_open: &'static str,
    /// For an hour
    pub away_for_hour: &'static str,
    /// Until tomorrow 9:00
    pub away_for_tomorrow: &'static str,
}

/// In English.
pub const EN: Team = Team {
    title: "Team",
    intro: "Who takes new conversations: each member's capacity, languages and labels. Routing gives nothing new to anyone away.",
    agent_hint: "Only an admin can change these.",
    members_title: "Members",
    away: "Away",
    available: "Available",
    you: "you",
    capacity: "Most open conversations",
    languages: "Languages (codes such as fr or en_GB, separated by commas)",
    labels: "Labels they handle (separated by commas)",
    capacity_short: "Capacity",
    languages_short: "Languages",
    labels_short: "Labels",
    none: "none",
    save: "Save",
    save_named: "Save {name}'s profile",
    vip_title: "VIP contacts",
    vip_intro: "Routing hands their conversations out first.",
    vip_empty: "No VIP contact.",
    vip_remove: "No longer VIP",
    vip_remove_named: "{name}: no longer VIP",
    log_title: "Assignments",
    log_intro: "The latest routing decisions, with their reasons.",
    log_intro_agent: "The latest conversations routing gave you or took back, with the reasons.",
    log_empty: "No assignment yet.",
    log_when: "When",
    log_conversation: "Conversation",
    log_what: "What",
    log_why: "Why",
    assigned: "Assigned to {name}",
    unassigned: "Taken back from {name}",
    reason_round_robin: "Each available agent in turn",
    reason_least_loaded: "The least busy available agent",
    reason_skills: "Speaks the customer's language and handles the labels",
    reason_skills_fallback: "Nobody had the skills: the least busy available agent",
    reason_agent_away: "The agent went away while the customer waited",
    away_toggle: "I'm away",
    away_toggle_hint: "While you are away, routing gives you no new conversation.",
    away_until: "Away until {time}",
    away_for: "Away for",
    away_for_open: "until I'm back",
    away_for_hour: "an hour",
    away_for_tomorrow: "until tomorrow 9:00",
};

/// En français.
pub const FR: Team = Team {
    title: "Équipe",
    intro: "Qui reçoit les nouvelles conversations : la capacité, les langues et les étiquettes de chacun. La répartition ne donne rien de nouveau à qui est absent.",
    agent_hint: "Seul un administrateur peut les changer.",
    members_title: "Membres",
    away: "Absent",
    available: "Disponible",
    you: "vous",
    capacity: "Conversations ouvertes au maximum",
    languages: "Langues (codes comme fr ou en_GB, séparés par des virgules)",
    labels: "Étiquettes traitées (séparées par des virgules)",
    capacity_short: "Capacité",
    languages_short: "Langues",
    labels_short: "Étiquettes",
    none: "aucune",
    save: "Enregistrer",
    save_named: "Enregistrer le profil de {name}",
    vip_title: "Contacts VIP",
    vip_intro: "La répartition distribue leurs conversations en premier.",
    vip_empty: "Aucun contact VIP.",
    vip_remove: "Plus VIP",
    vip_remove_named: "{name} : plus VIP",
    log_title: "Attributions",
    log_intro: "Les dernières décisions de répartition, avec leurs raisons.",
    log_intro_agent: "Les dernières conversations que la répartition vous a données ou reprises, avec les raisons.",
    log_empty: "Aucune attribution pour l'instant.",
    log_when: "Quand",
    log_conversation: "Conversation",
    log_what: "Quoi",
    log_why: "Pourquoi",
    assigned: "Attribuée à {name}",
    unassigned: "Reprise à {name}",
    reason_round_robin: "Chaque agent disponible à tour de rôle",
    reason_least_loaded: "L'agent disponible le moins occupé",
    reason_skills: "Parle la langue du client et traite les étiquettes",
    reason_skills_fallback: "Personne n'avait les compétences : l'agent disponible le moins occupé",
    reason_agent_away: "L'agent s'est absenté pendant que le client attendait",
    away_toggle: "Je suis absent",
    away_toggle_hint: "Pendant votre absence, la répartition ne vous donne aucune nouvelle conversation.",
    away_until: "Absent jusqu'à {time}",
    away_for: "Absent pour",
    away_for_open: "jusqu'à mon retour",
    away_for_hour: "une heure",
    away_for_tomorrow: "jusqu'à demain 9 h",
};

/// In italiano.
pub const IT: Team = Team {
    title: "Team",
    intro: "Chi riceve le nuove conversazioni: capacità, lingue ed etichette di ciascuno. L'assegnazione non dà nulla di nuovo a chi è assente.",
    agent_hint: "Solo un amministratore può cambiarli.",
    members_title: "Membri",
    away: "Assente",
    available: "Disponibile",
    you: "tu",
    capacity: "Numero massimo di conversazioni aperte",
    languages: "Lingue (codici come it o en_GB, separati da virgole)",
    labels: "Etichette gestite (separate da virgole)",
    capacity_short: "Capacità",
    languages_short: "Lingue",
    labels_short: "Etichette",
    none: "nessuna",
    save: "Salva",
    save_named: "Salva il profilo di {name}",
    vip_title: "Contatti VIP",
    vip_intro: "L'assegnazione distribuisce per prime le loro conversazioni.",
    vip_empty: "Nessun contatto VIP.",
    vip_remove: "Non più VIP",
    vip_remove_named: "{name}: non più VIP",
    log_title: "Assegnazioni",
    log_intro: "Le ultime decisioni di assegnazione, con i motivi.",
    log_intro_agent: "Le ultime conversazioni che l'assegnazione ti ha dato o ripreso, con i motivi.",
    log_empty: "Ancora nessuna assegnazione.",
    log_when: "Quando",
    log_conversation: "Conversazione",
    log_what: "Cosa",
    log_why: "Perché",
    assigned: "Assegnata a {name}",
    unassigned: "Ripresa a {name}",
    reason_round_robin: "Ogni operatore disponibile a turno",
    reason_least_loaded: "L'operatore disponibile meno occupato",
    reason_skills: "Parla la lingua del cliente e gestisce le etichette",
    reason_skills_fallback: "Nessuno aveva le competenze: l'operatore disponibile meno occupato",
    reason_agent_away: "L'operatore si è assentato mentre il cliente aspettava",
    away_toggle: "Sono assente",
    away_toggle_hint: "Mentre sei assente, l'assegnazione non ti dà nuove conversazioni.",
    away_until: "Assente fino a {time}",
    away_for: "Assente per",
    away_for_open: "finché non torno",
    away_for_hour: "un'ora",
    away_for_tomorrow: "fino a domani alle 9",
};
