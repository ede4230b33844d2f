//! Texts of a channel's own settings page (hours, automatic replies, routing,
//! availability, read receipts, web chat).

use serde::Serialize;

/// Texts of a channel's settings page, in one language.
#[derive(Serialize)]
pub struct Channel {
    /// Settings of {name}
    pub title: &'static str,
    /// All settings
    pub all_settings: &'static str,
    /// Hours, replies and routing
    pub open: &'static str,
    /// Hours, replies and routing of {name}
    pub open_named: &'static str,
    /// Sections of the channel's settings
    pub sections_label: &'static str,
    /// Save
    pub save: &'static str,
    /// Availability
    pub presence_title: &'static str,
    /// Available: a new conversation gets the instant reply.
    pub available: &'static str,
    /// Away (set by hand) until {when}: customers get the away message.
    pub away_manual: &'static str,
    /// Away (outside business hours): customers get the away message. Back {when}.
    pub away_hours: &'static str,
    /// Away (outside business hours), and the hours never open again.
    pub away_hours_never: &'static str,
    /// Set the channel away
    pub set_away: &'static str,
    /// Set the channel available
    pub set_available: &'static str,
    /// An away set by hand ends by itself after 12 hours; setting the channel available does not open it outside its hours.
    pub away_hint: &'static str,
    /// Business hours
    pub hours_title: &'static str,
    /// Use business hours (without them the channel is always open)
    pub hours_on: &'static str,
    /// Time zone
    pub timezone: &'static str,
    /// An IANA name, such as Europe/Paris or America/New_York.
    pub timezone_hint: &'static str,
    /// Opening ranges separated by commas, like 09:00-12:00, 14:00-18:00. Empty: closed that day.
    pub ranges_hint: &'static str,
    /// Opening hours of each day
    pub week_legend: &'static str,
    /// Monday
    pub monday: &'static str,
    /// Tuesday
    pub tuesday: &'static str,
    /// Wednesday
    pub wednesday: &'static str,
    /// Thursday
    pub thursday: &'static str,
    /// Friday
    pub friday: &'static str,
    /// Saturday
    pub saturday: &'static str,
    /// Sunday
    pub sunday: &'static str,
    /// Holidays
    pub holidays: &'static str,
    /// Days the channel is closed, one date per line, like 2026-12-25.
    pub holidays_hint: &'static str,
    /// The next seven days
    pub week_title: &'static str,
    /// Closed
    pub closed: &'static str,
    /// Holiday
    pub holiday: &'static str,
    /// Today
    pub today: &'static str,
    /// Open now.
    pub open_now: &'static str,
    /// Closed now.
    pub closed_now: &'static str,
    /// Next change: opens {when}.
    pub next_opens: &'static str,
    /// Next change: closes {when}.
    pub next_closes: &'static str,
    /// No change ahead.
    pub no_change: &'static str,
    /// {day} {date} at {time} ({zone})
    pub when: &'static str,
    /// No business hours: the channel is open at all times.
    pub no_hours: &'static str,
    /// Automatic replies
    pub replies_title: &'static str,
    /// A message may say {first_name}, {hours} (today's hours), {wait} (the usual reply time) and {back_at} (when the team is back).
    pub variables_hint: &'static str,
    /// Instant reply
    pub instant_legend: &'static str,
    /// Send it when a customer starts a conversation while the channel is available
    pub instant_on: &'static str,
    /// Away message
    pub away_legend: &'static str,
    /// Send it while the channel is away (at most once a day per conversation)
    pub away_on: &'static str,
    /// Message
    pub message_text: &'static str,
    /// Texts in other languages (a customer gets the one of their language)
    pub other_languages: &'static str,
    /// Keyword replies
    pub keywords_legend: &'static str,
    /// The first rule whose keyword is in the customer's message answers. Keywords are matched as whole words, ignoring case and accents.
    pub keywords_hint: &'static str,
    /// Rule {n}
    pub rule_legend: &'static str,
    /// New rule (leave empty to add none)
    pub new_rule_legend: &'static str,
    /// Keywords, separated by commas
    pub keywords: &'static str,
    /// Reply
    pub reply: &'static str,
    /// Remove this rule
    pub remove_rule: &'static str,
    /// Most keyword replies in one conversation
    pub limit: &'static str,
    /// Hand-over words
    pub handover_legend: &'static str,
    /// When a customer writes one of these words, the automatic replies stop and the conversation waits for a person.
    pub handover_hint: &'static str,
    /// Pronto's words ({words})
    pub handover_default: &'static str,
    /// These words
    pub handover_custom: &'static str,
    /// Words, separated by commas (empty: no hand-over)
    pub handover_words: &'static str,
    /// Routing
    pub routing_title: &'static str,
    /// Who gets a new conversation
    pub routing_mode: &'static str,
    /// Nobody until someone takes it (by hand)
    pub mode_manual: &'static str,
    /// Each available agent in turn
    pub mode_round_robin: &'static str,
    /// The available agent with the fewest open conversations
    pub mode_least_loaded: &'static str,
    /// An agent who speaks the customer's language and handles its labels
    pub mode_skills: &'static str,
    /// If nobody available has the skills, the least busy available agent
    pub fallback: &'static str,
    /// When an agent goes away, their conversations whose customer waits go back to the queue
    pub reassign_on_away: &'static str,
    /// Read receipts
    pub seen_title: &'static str,
    /// Web chat
    pub webchat_title: &'static str,
    /// Picture (an https URL)
    pub avatar_url: &'static str,
    /// Largest file a visitor may send, in bytes (0: none)
    pub attachments_max: &'static str,
    /// No such channel in this workspace.
    pub not_found: &'static str,
}

/// In English.
pub const EN: Channel = Channel {
    title: "Settings of {name}",
    all_settings: "All settings",
    open: "Hours, replies and routing",
    open_named: "Hours, replies and routing of {name}",
    sections_label: "Sections of the channel's settings",
    save: "Save",
    presence_title: "Availability",
    available: "Available: a new conversation gets the instant reply.",
    away_manual: "Away (set by hand) until {when}: customers get the away message.",
    away_hours: "Away (outside business hours): customers get the away message. Back {when}.",
    away_hours_never: "Away (outside business hours), and the hours never open again.",
    set_away: "Set the channel away",
    set_available: "Set the channel available",
    away_hint: "An away set by hand ends by itself after 12 hours; setting the channel available does not open it outside its hours.",
    hours_title: "Business hours",
    hours_on: "Use business hours (without them the channel is always open)",
    timezone: "Time zone",
    timezone_hint: "An IANA name, such as Europe/Paris or America/New_York.",
    ranges_hint: "Opening ranges separated by commas, like 09:00-12:00, 14:00-18:00. Empty: closed that day.",
    week_legend: "Opening hours of each day",
    monday: "Monday",
    tuesday: "Tuesday",
    wednesday: "Wednesday",
    thursday: "Thursday",
    friday: "Friday",
    saturday: "Saturday",
    sunday: "Sunday",
    holidays: "Holidays",
    holidays_hint: "Days the channel is closed, one date per line, like 2026-12-25.",
    week_title: "The next seven days",
    closed: "Closed",
    holiday: "Holiday",
    today: "Today",
    open_now: "Open now.",
    closed_now: "Closed now.",
    next_opens: "Next change: opens {when}.",
    next_closes: "Next change: closes {when}.",
    no_change: "No change ahead.",
    when: "{day} {date} at {time} ({zone})",
    no_hours: "No business hours: the channel is open at all times.",
    replies_title: "Automatic replies",
    variables_hint: "A message may say {first_name}, {hours} (today's hours), {wait} (the usual reply time) and {back_at} (when the team is back).",
    instant_legend: "Instant reply",
    instant_on: "Send it when a customer starts a conversation while the channel is available",
    away_legend: "Away message",
    away_on: "Send it while the channel is away (at most once a day per conversation)",
    message_text: "Message",
    other_languages: "Texts in other languages (a customer writing in one of them gets it)",
    keywords_legend: "Keyword replies",
    keywords_hint: "The first rule whose keyword is in the customer's message answers. Keywords are matched as whole words, ignoring case and accents.",
    rule_legend: "Rule {n}",
    new_rule_legend: "New rule (leave empty to add none)",
    keywords: "Keywords, separated by commas",
    reply: "Reply",
    remove_rule: "Remove this rule",
    limit: "Most keyword replies in one conversation",
    handover_legend: "Hand-over words",
    handover_hint: "When a customer writes one of these words, the automatic replies stop and the conversation waits for a person.",
    handover_default: "Pronto's words ({words})",
    handover_custom: "These words",
    handover_words: "Words, separated by commas (empty: no hand-over)",
    routing_title: "Routing",
    routing_mode: "Who gets a new conversation",
    mode_manual: "Nobody until someone takes it (by hand)",
    mode_round_robin: "Each available agent in turn",
    mode_least_loaded: "The available agent with the fewest open conversations",
    mode_skills: "An agent who speaks the customer's language and handles its labels",
    fallback: "If nobody available has the skills, the least busy available agent",
    reassign_on_away: "When an agent goes away, their conversations whose customer waits go back to the queue",
    seen_title: "Read receipts",
    webchat_title: "Web chat",
    avatar_url: "Picture (an https URL)",
    attachments_max: "Largest file a visitor may send, in bytes (0: none)",
    not_found: "No such channel in this workspace.",
};

/// En français.
pub const FR: Channel = Channel {
    title: "Réglages de {name}",
    all_settings: "Tous les réglages",
    open: "Horaires, réponses et répartition",
    open_named: "Horaires, réponses et répartition de {name}",
    sections_label: "Sections des réglages du canal",
    save: "Enregistrer",
    presence_title: "Disponibilité",
    available: "Disponible : une nouvelle conversation reçoit la réponse instantanée.",
    away_manual: "Absent (réglé à la main) jusqu'à {when} : les clients reçoivent le message d'absence.",
    away_hours: "Absent (hors des horaires d'ouverture) : les clients reçoivent le message d'absence. Retour {when}.",
    away_hours_never: "Absent (hors des horaires d'ouverture), et les horaires ne rouvrent jamais.",
    set_away: "Mettre le canal en absence",
    set_available: "Rendre le canal disponible",
    away_hint: "Une absence réglée à la main finit d'elle-même après 12 heures ; rendre le canal disponible ne l'ouvre pas hors de ses horaires.",
    hours_title: "Horaires d'ouverture",
    hours_on: "Utiliser des horaires d'ouverture (sans eux le canal est toujours ouvert)",
    timezone: "Fuseau horaire",
    timezone_hint: "Un nom IANA, comme Europe/Paris ou America/New_York.",
    ranges_hint: "Plages d'ouverture séparées par des virgules, comme 09:00-12:00, 14:00-18:00. Vide : fermé ce jour-là.",
    week_legend: "Horaires de chaque jour",
    monday: "Lundi",
    tuesday: "Mardi",
    wednesday: "Mercredi",
    thursday: "Jeudi",
    friday: "Vendredi",
    saturday: "Samedi",
    sunday: "Dimanche",
    holidays: "Jours fériés",
    holidays_hint: "Jours où le canal est fermé, une date par ligne, comme 2026-12-25.",
    week_title: "Les sept prochains jours",
    closed: "Fermé",
    holiday: "Jour férié",
    today: "Aujourd'hui",
    open_now: "Ouvert en ce moment.",
    closed_now: "Fermé en ce moment.",
    next_opens: "Prochain changement : ouvre {when}.",
    next_closes: "Prochain changement : ferme {when}.",
    no_change: "Aucun changement à venir.",
    when: "{day} {date} à {time} ({zone})",
    no_hours: "Pas d'horaires d'ouverture : le canal est ouvert en permanence.",
    replies_title: "Réponses automatiques",
    variables_hint: "Un message peut dire {first_name}, {hours} (les horaires du jour), {wait} (le délai de réponse habituel) et {back_at} (le retour de l'équipe).",
    instant_legend: "Réponse instantanée",
    instant_on: "L'envoyer quand un client commence une conversation pendant que le canal est disponible",
    away_legend: "Message d'absence",
    away_on: "L'envoyer pendant l'absence du canal (au plus une fois par jour et par conversation)",
    message_text: "Message",
    other_languages: "Textes dans d'autres langues (un client qui écrit dans l'une d'elles la reçoit)",
    keywords_legend: "Réponses par mots-clés",
    keywords_hint: "La première règle dont un mot-clé est dans le message du client répond. Les mots-clés sont cherchés en mots entiers, sans tenir compte de la casse ni des accents.",
    rule_legend: "Règle {n}",
    new_rule_legend: "Nouvelle règle (laisser vide pour n'en ajouter aucune)",
    keywords: "Mots-clés, séparés par des virgules",
    reply: "Réponse",
    remove_rule: "Supprimer cette règle",
    limit: "Nombre maximal de réponses par mots-clés dans une conversation",
    handover_legend: "Mots de passage à un humain",
    handover_hint: "Quand un client écrit l'un de ces mots, les réponses automatiques s'arrêtent et la conversation attend une personne.",
    handover_default: "Les mots de Pronto ({words})",
    handover_custom: "Ces mots",
    handover_words: "Mots, séparés par des virgules (vide : pas de passage)",
    routing_title: "Répartition",
    routing_mode: "Qui reçoit une nouvelle conversation",
    mode_manual: "Personne tant qu'on ne la prend pas (à la main)",
    mode_round_robin: "Chaque agent disponible à tour de rôle",
    mode_least_loaded: "L'agent disponible avec le moins de conversations ouvertes",
    mode_skills: "Un agent qui parle la langue du client et traite ses étiquettes",
    fallback: "Si personne de disponible n'a les compétences, l'agent disponible le moins occupé",
    reassign_on_away: "Quand un agent s'absente, ses conversations dont le client attend retournent dans la file",
    seen_title: "Accusés de lecture",
    webchat_title: "Chat web",
    avatar_url: "Image (une URL https)",
    attachments_max: "Plus gros fichier qu'un visiteur peut envoyer, en octets (0 : aucun)",
    not_found: "Ce canal n'existe pas dans cet espace.",
};

/// In italiano.
pub const IT: Channel = Channel {
    title: "Impostazioni di {name}",
    all_settings: "Tutte le impostazioni",
    open: "Orari, risposte e assegnazione",
    open_named: "Orari, risposte e assegnazione di {name}",
    sections_label: "Sezioni delle impostazioni del canale",
    save: "Salva",
    presence_title: "Disponibilità",
    available: "Disponibile: una nuova conversazione riceve la risposta immediata.",
    away_manual: "Assente (impostato a mano) fino a {when}: i clienti ricevono il messaggio di assenza.",
    away_hours: "Assente (fuori dall'orario di apertura): i clienti ricevono il messaggio di assenza. Di ritorno {when}.",
    away_hours_never: "Assente (fuori dall'orario di apertura), e l'orario non riapre mai.",
    set_away: "Metti il canale in assenza",
    set_available: "Rendi disponibile il canale",
    away_hint: "Un'assenza impostata a mano finisce da sola dopo 12 ore; rendere disponibile il canale non lo apre fuori orario.",
    hours_title: "Orario di apertura",
    hours_on: "Usa un orario di apertura (senza, il canale è sempre aperto)",
    timezone: "Fuso orario",
    timezone_hint: "Un nome IANA, come Europe/Rome o America/New_York.",
    ranges_hint: "Fasce di apertura separate da virgole, come 09:00-12:00, 14:00-18:00. Vuoto: chiuso quel giorno.",
    week_legend: "Orari di ogni giorno",
    monday: "Lunedì",
    tuesday: "Martedì",
    wednesday: "Mercoledì",
    thursday: "Giovedì",
    friday: "Venerdì",
    saturday: "Sabato",
    sunday: "Domenica",
    holidays: "Giorni festivi",
    holidays_hint: "Giorni di chiusura del canale, una data per riga, come 2026-12-25.",
    week_title: "I prossimi sette giorni",
    closed: "Chiuso",
    holiday: "Festivo",
    today: "Oggi",
    open_now: "Aperto ora.",
    closed_now: "Chiuso ora.",
    next_opens: "Prossimo cambio: apre {when}.",
    next_closes: "Prossimo cambio: chiude {when}.",
    no_change: "Nessun cambio in vista.",
    when: "{day} {date} alle {time} ({zone})",
    no_hours: "Nessun orario di apertura: il canale è sempre aperto.",
    replies_title: "Risposte automatiche",
    variables_hint: "Un messaggio può dire {first_name}, {hours} (l'orario di oggi), {wait} (il tempo di risposta abituale) e {back_at} (quando torna il team).",
    instant_legend: "Risposta immediata",
    instant_on: "Inviarla quando un cliente inizia una conversazione mentre il canale è disponibile",
    away_legend: "Messaggio di assenza",
    away_on: "Inviarlo mentre il canale è assente (al massimo una volta al giorno per conversazione)",
    message_text: "Messaggio",
    other_languages: "Testi in altre lingue (un cliente che scrive in una di esse lo riceve)",
    keywords_legend: "Risposte per parole chiave",
    keywords_hint: "Risponde la prima regola con una parola chiave nel messaggio del cliente. Le parole chiave valgono come parole intere, senza maiuscole né accenti.",
    rule_legend: "Regola {n}",
    new_rule_legend: "Nuova regola (lasciare vuota per non aggiungerne)",
    keywords: "Parole chiave, separate da virgole",
    reply: "Risposta",
    remove_rule: "Elimina questa regola",
    limit: "Numero massimo di risposte per parole chiave in una conversazione",
    handover_legend: "Parole per passare a una persona",
    handover_hint: "Quando un cliente scrive una di queste parole, le risposte automatiche si fermano e la conversazione aspetta una persona.",
    handover_default: "Le parole di Pronto ({words})",
    handover_custom: "Queste parole",
    handover_words: "Parole, separate da virgole (vuoto: nessun passaggio)",
    routing_title: "Assegnazione",
    routing_mode: "Chi riceve una nuova conversazione",
    mode_manual: "Nessuno finché qualcuno non la prende (a mano)",
    mode_round_robin: "Ogni operatore disponibile a turno",
    mode_least_loaded: "L'operatore disponibile con meno conversazioni aperte",
    mode_skills: "Un operatore che parla la lingua del cliente e gestisce le sue etichette",
    fallback: "Se nessuno disponibile ha le competenze, l'operatore disponibile meno occupato",
    reassign_on_away: "Quando un operatore si assenta, le sue conversazioni con un cliente in attesa tornano in coda",
    seen_title: "Conferme di lettura",
    webchat_title: "Chat web",
    avatar_url: "Immagine (un URL https)",
    attachments_max: "File più grande che un visitatore può inviare, in byte (0: nessuno)",
    not_found: "Questo canale non esiste in questo spazio di lavoro.",
};
