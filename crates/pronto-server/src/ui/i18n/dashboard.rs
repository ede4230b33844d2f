//! Texts of the responsiveness dashboard.

use serde::Serialize;

/// Texts of the responsiveness dashboard, in one language.
#[derive(Serialize)]
pub struct Dashboard {
    /// Responsiveness
    pub title: &'static str,
    /// Choose what to show
    pub controls: &'static str,
    /// Count only replies written by people (not bots)
    pub human_only: &'static str,
    /// Show
    pub show: &'static str,
    /// No channel yet. An admin can connect one in the settings.
    pub no_channels: &'static str,
    /// Badge
    pub summary: &'static str,
    /// Badge earned: “Very responsive to messages”
    pub badge_earned: &'static str,
    /// Badge not earned
    pub badge_missed: &'static str,
    /// Response rate
    pub rate: &'static str,
    /// Response time
    pub time: &'static str,
    /// target: at least {value}
    pub target_at_least: &'static str,
    /// target: at most {value}
    pub target_at_most: &'static str,
    /// met
    pub met: &'static str,
    /// not met
    pub not_met: &'static str,
    /// not yet known
    pub no_figure: &'static str,
    /// Mean of the fastest 90% of response times in the window.
    pub time_help: &'static str,
    /// Typically replies instantly
    pub label_instantly: &'static str,
    /// Typically replies within minutes
    pub label_minutes: &'static str,
    /// Typically replies within an hour
    pub label_hour: &'static str,
    /// Typically replies within a few hours
    pub label_few_hours: &'static str,
    /// Typically replies within a day
    pub label_day: &'static str,
    /// Window
    pub window: &'static str,
    /// new messages from {start} to {end}
    pub window_range: &'static str,
    /// No new message counted yet.
    pub window_none: &'static str,
    /// Counts
    pub counts: &'static str,
    /// Counted
    pub counted: &'static str,
    /// Counted, answered and missed: in the window. Pending and excluded: all so far.
    pub count_help: &'static str,
    /// Last 90 days
    pub trend: &'static str,
    /// Response rate at the end of each day
    pub chart_rate_title: &'static str,
    /// Response time at the end of each day
    pub chart_time_title: &'static str,
    /// From {from} to {to}: latest {latest}, target {target}; {gaps} days without data are left as gaps.
    pub chart_summary: &'static str,
    /// target {value}
    pub chart_target: &'static str,
    /// no data
    pub no_data: &'static str,
    /// At risk
    pub at_risk: &'static str,
    /// Pending new messages, soonest deadline first.
    pub at_risk_help: &'static str,
    /// No new message is waiting for a reply.
    pub at_risk_empty: &'static str,
    /// Conversation
    pub col_conversation: &'static str,
    /// Arrived
    pub col_arrived: &'static str,
    /// Reply by (keeps the badge)
    pub col_deadline: &'static str,
    /// Counted as missed from
    pub col_expires: &'static str,
    /// If missed
    pub col_if_missed: &'static str,
    /// no reply keeps the badge now
    pub no_deadline: &'static str,
    /// badge kept
    pub badge_kept: &'static str,
    /// badge lost
    pub badge_lost: &'static str,
    /// Conversation {id}
    pub conversation_n: &'static str,
    /// Per responder
    pub agents: &'static str,
    /// New messages in the window answered first by each person or bot.
    pub agents_help: &'static str,
    /// No new message answered in the window.
    pub agents_empty: &'static str,
    /// Responder
    pub col_responder: &'static str,
    /// Answered first
    pub col_answered_first: &'static str,
    /// Mean response time
    pub col_mean_time: &'static str,
    /// Bot
    pub bot: &'static str,
    /// A person (not recorded)
    pub agent_unknown: &'static str,
    /// Former member {id}
    pub former_member: &'static str,
    /// Every new message, explained
    pub explain: &'static str,
    /// Every new message of the channel, counted or excluded, and why.
    pub explain_help: &'static str,
    /// Filter
    pub filter: &'static str,
    /// Status
    pub status: &'static str,
    /// Reason
    pub reason: &'static str,
    /// Any
    pub any: &'static str,
    /// Answered
    pub answered: &'static str,
    /// Missed
    pub missed: &'static str,
    /// Pending
    pub pending: &'static str,
    /// Excluded
    pub excluded: &'static str,
    /// answered
    pub status_answered: &'static str,
    /// missed
    pub status_missed: &'static str,
    /// pending
    pub status_pending: &'static str,
    /// excluded
    pub status_excluded: &'static str,
    /// the channel was away when it arrived
    pub reason_away: &'static str,
    /// the conversation is in spam
    pub reason_spam: &'static str,
    /// moved to done within 24 h, before any reply
    pub reason_moved_to_done: &'static str,
    /// moved to spam within 24 h, before any reply
    pub reason_moved_to_spam: &'static str,
    /// Status
    pub col_status: &'static str,
    /// Why
    pub col_why: &'static str,
    /// First reply
    pub col_reply: &'static str,
    /// In the window
    pub col_in_window: &'static str,
    /// yes
    pub yes: &'static str,
    /// no
    pub no: &'static str,
    /// answered in {time}
    pub answered_in: &'static str,
    /// the first reply came {time} later, after 24 h
    pub replied_late: &'static str,
    /// no reply within 24 h
    pub no_reply_24h: &'static str,
    /// waiting for {time}
    pub waiting_for: &'static str,
    /// {who}, {time}
    pub reply_by: &'static str,
    /// No new message matches these filters.
    pub explain_empty: &'static str,
    /// {shown} of {total} new messages shown, newest first.
    pub explain_total: &'static str,
    /// Only the newest {shown} are listed; narrow the filters to see others.
    pub explain_capped: &'static str,
    /// Export
    pub export: &'static str,
    /// What the two exports hold.
    pub export_help: &'static str,
    /// From
    pub export_from: &'static str,
    /// To
    pub export_to: &'static str,
    /// Conversations (CSV)
    pub export_conversations: &'static str,
    /// Every new message, explained (CSV)
    pub export_responsiveness: &'static str,
}

/// In English.
pub const EN: Dashboard = Dashboard {
    title: "Responsiveness",
    controls: "Choose what to show",
    human_only: "Count only replies written by people (not bots)",
    show: "Show",
    no_channels: "No channel yet. An admin can connect one in the settings.",
    summary: "Badge",
    badge_earned: "Badge earned: “Very responsive to messages”",
    badge_missed: "Badge not earned",
    rate: "Response rate",
    time: "Response time",
    target_at_least: "target: at least {value}",
    target_at_most: "target: at most {value}",
    met: "met",
    not_met: "not met",
    no_figure: "not yet known",
    time_help: "Mean of the fastest 90% of response times in the window.",
    label_instantly: "Typically replies instantly",
    label_minutes: "Typically replies within minutes",
    label_hour: "Typically replies within an hour",
    label_few_hours: "Typically replies within a few hours",
    label_day: "Typically replies within a day",
    window: "Window",
    window_range: "new messages from {start} to {end}",
    window_none: "No new message counted yet.",
    counts: "Counts",
    counted: "Counted",
    count_help: "Counted, answered and missed: in the window. Pending and excluded: all so far.",
    trend: "Last 90 days",
    chart_rate_title: "Response rate at the end of each day",
    chart_time_title: "Response time at the end of each day",
    chart_summary: "From {from} to {to}: latest {latest}, target {target}; {gaps} days without data are left as gaps.",
    chart_target: "target {value}",
    no_data: "no data",
    at_risk: "At risk",
    at_risk_help: "Pending new messages, soonest deadline first.",
    at_risk_empty: "No new message is waiting for a reply.",
    col_conversation: "Conversation",
    col_arrived: "Arrived",
    col_deadline: "Reply by (keeps the badge)",
    col_expires: "Counted as missed from",
    col_if_missed: "If missed",
    no_deadline: "no reply keeps the badge now",
    badge_kept: "badge kept",
    badge_lost: "badge lost",
    conversation_n: "Conversation {id}",
    agents: "Per responder",
    agents_help: "New messages in the window answered first by each person or bot.",
    agents_empty: "No new message answered in the window.",
    col_responder: "Responder",
    col_answered_first: "Answered first",
    col_mean_time: "Mean response time",
    bot: "Bot",
    agent_unknown: "A person (not recorded)",
    former_member: "Former member {id}",
    explain: "Every new message, explained",
    explain_help: "Every new message of the channel, counted or excluded, and why.",
    filter: "Filter",
    status: "Status",
    reason: "Reason",
    any: "Any",
    answered: "Answered",
    missed: "Missed",
    pending: "Pending",
    excluded: "Excluded",
    status_answered: "answered",
    status_missed: "missed",
    status_pending: "pending",
    status_excluded: "excluded",
    reason_away: "the channel was away when it arrived",
    reason_spam: "the conversation is in spam",
    reason_moved_to_done: "moved to done within 24 h, before any reply",
    reason_moved_to_spam: "moved to spam within 24 h, before any reply",
    col_status: "Status",
    col_why: "Why",
    col_reply: "First reply",
    col_in_window: "In the window",
    yes: "yes",
    no: "no",
    answered_in: "answered in {time}",
    replied_late: "the first reply came {time} later, after 24 h",
    no_reply_24h: "no reply within 24 h",
    waiting_for: "waiting for {time}",
    reply_by: "{who}, {time}",
    explain_empty: "No new message matches these filters.",
    explain_total: "{shown} of {total} new messages shown, newest first.",
    explain_capped: "Only the newest {shown} are listed; narrow the filters to see others.",
    export: "Export",
    export_help: "Download this channel's conversations, or every new message explained, for a range of days (UTC) as a CSV file for a spreadsheet.",
    export_from: "From",
    export_to: "To",
    export_conversations: "Conversations (CSV)",
    export_responsiveness: "New messages explained (CSV)",
};

/// In French.
pub const FR: Dashboard = Dashboard {
    title: "Réactivité",
    controls: "Choisir ce qui est affiché",
    human_only: "Ne compter que les réponses écrites par des personnes (pas les robots)",
    show: "Afficher",
    no_channels: "Aucun canal pour l'instant. Un administrateur peut en connecter un dans les réglages.",
    summary: "Badge",
    badge_earned: "Badge obtenu : « Très réactif aux messages »",
    badge_missed: "Badge non obtenu",
    rate: "Taux de réponse",
    time: "Temps de réponse",
    target_at_least: "objectif : au moins {value}",
    target_at_most: "objectif : au plus {value}",
    met: "atteint",
    not_met: "non atteint",
    no_figure: "pas encore connu",
    time_help: "Moyenne des 90 % de temps de réponse les plus rapides de la période.",
    label_instantly: "Répond généralement instantanément",
    label_minutes: "Répond généralement en quelques minutes",
    label_hour: "Répond généralement en moins d'une heure",
    label_few_hours: "Répond généralement en quelques heures",
    label_day: "Répond généralement en moins d'un jour",
    window: "Période",
    window_range: "nouveaux messages du {start} au {end}",
    window_none: "Aucun nouveau message compté pour l'instant.",
    counts: "Décompte",
    counted: "Comptés",
    count_help: "Comptés, répondus et manqués : dans la période. En attente et exclus : tous jusqu'ici.",
    trend: "Les 90 derniers jours",
    chart_rate_title: "Taux de réponse à la fin de chaque jour",
    chart_time_title: "Temps de réponse à la fin de chaque jour",
    chart_summary: "Du {from} au {to} : dernière valeur {latest}, objectif {target} ; {gaps} jours sans données restent vides.",
    chart_target: "objectif {value}",
    no_data: "aucune donnée",
    at_risk: "À risque",
    at_risk_help: "Nouveaux messages en attente, échéance la plus proche en premier.",
    at_risk_empty: "Aucun nouveau message n'attend de réponse.",
    col_conversation: "Conversation",
    col_arrived: "Arrivé",
    col_deadline: "Répondre avant (garde le badge)",
    col_expires: "Compté comme manqué à partir de",
    col_if_missed: "Si manqué",
    no_deadline: "aucune réponse ne garde le badge désormais",
    badge_kept: "badge conservé",
    badge_lost: "badge perdu",
    conversation_n: "Conversation {id}",
    agents: "Par répondant",
    agents_help: "Nouveaux messages de la période auxquels chaque personne ou robot a répondu en premier.",
    agents_empty: "Aucun nouveau message répondu dans la période.",
    col_responder: "Répondant",
    col_answered_first: "Répondus en premier",
    col_mean_time: "Temps de réponse moyen",
    bot: "Robot",
    agent_unknown: "Une personne (non enregistrée)",
    former_member: "Ancien membre {id}",
    explain: "Chaque nouveau message, expliqué",
    explain_help: "Chaque nouveau message du canal, compté ou exclu, et pourquoi.",
    filter: "Filtrer",
    status: "Statut",
    reason: "Motif",
    any: "Tous",
    answered: "Répondus",
    missed: "Manqués",
    pending: "En attente",
    excluded: "Exclus",
    status_answered: "répondu",
    status_missed: "manqué",
    status_pending: "en attente",
    status_excluded: "exclu",
    reason_away: "le canal était absent à son arrivée",
    reason_spam: "la conversation est dans les indésirables",
    reason_moved_to_done: "classée comme traitée sous 24 h, avant toute réponse",
    reason_moved_to_spam: "déplacée dans les indésirables sous 24 h, avant toute réponse",
    col_status: "Statut",
    col_why: "Pourquoi",
    col_reply: "Première réponse",
    col_in_window: "Dans la période",
    yes: "oui",
    no: "non",
    answered_in: "répondu en {time}",
    replied_late: "la première réponse est arrivée {time} plus tard, après 24 h",
    no_reply_24h: "pas de réponse sous 24 h",
    waiting_for: "en attente depuis {time}",
    reply_by: "{who}, {time}",
    explain_empty: "Aucun nouveau message ne correspond à ces filtres.",
    explain_total: "{shown} nouveaux messages affichés sur {total}, les plus récents d'abord.",
    explain_capped: "Seuls les {shown} plus récents sont listés ; affinez les filtres pour voir les autres.",
    export: "Exporter",
    export_help: "Téléchargez les conversations de ce canal, ou chaque nouveau message expliqué, sur une période (jours UTC), en fichier CSV pour un tableur.",
    export_from: "Du",
    export_to: "Au",
    export_conversations: "Conversations (CSV)",
    export_responsiveness: "Nouveaux messages expliqués (CSV)",
};

/// In Italian.
pub const IT: Dashboard = Dashboard {
    title: "Reattività",
    controls: "Scegli cosa mostrare",
    human_only: "Conta solo le risposte scritte da persone (non dai bot)",
    show: "Mostra",
    no_channels: "Ancora nessun canale. Un amministratore può collegarne uno nelle impostazioni.",
    summary: "Badge",
    badge_earned: "Badge ottenuto: “Risponde molto rapidamente ai messaggi”",
    badge_missed: "Badge non ottenuto",
    rate: "Tasso di risposta",
    time: "Tempo di risposta",
    target_at_least: "obiettivo: almeno {value}",
    target_at_most: "obiettivo: al massimo {value}",
    met: "raggiunto",
    not_met: "non raggiunto",
    no_figure: "non ancora noto",
    time_help: "Media del 90% dei tempi di risposta più rapidi del periodo.",
    label_instantly: "Di solito risponde immediatamente",
    label_minutes: "Di solito risponde entro pochi minuti",
    label_hour: "Di solito risponde entro un'ora",
    label_few_hours: "Di solito risponde entro qualche ora",
    label_day: "Di solito risponde entro un giorno",
    window: "Periodo",
    window_range: "nuovi messaggi dal {start} al {end}",
    window_none: "Ancora nessun nuovo messaggio conteggiato.",
    counts: "Conteggi",
    counted: "Conteggiati",
    count_help: "Conteggiati, con risposta e persi: nel periodo. In attesa ed esclusi: tutti finora.",
    trend: "Ultimi 90 giorni",
    chart_rate_title: "Tasso di risposta alla fine di ogni giorno",
    chart_time_title: "Tempo di risposta alla fine di ogni giorno",
    chart_summary: "Dal {from} al {to}: ultimo valore {latest}, obiettivo {target}; {gaps} giorni senza dati restano vuoti.",
    chart_target: "obiettivo {value}",
    no_data: "nessun dato",
    at_risk: "A rischio",
    at_risk_help: "Nuovi messaggi in attesa, dalla scadenza più vicina.",
    at_risk_empty: "Nessun nuovo messaggio attende risposta.",
    col_conversation: "Conversazione",
    col_arrived: "Arrivato",
    col_deadline: "Rispondere entro (mantiene il badge)",
    col_expires: "Conteggiato come perso da",
    col_if_missed: "Se perso",
    no_deadline: "nessuna risposta mantiene ormai il badge",
    badge_kept: "badge mantenuto",
    badge_lost: "badge perso",
    conversation_n: "Conversazione {id}",
    agents: "Per chi risponde",
    agents_help: "Nuovi messaggi del periodo a cui ogni persona o bot ha risposto per primo.",
    agents_empty: "Nessun nuovo messaggio con risposta nel periodo.",
    col_responder: "Chi ha risposto",
    col_answered_first: "Risposte per primo",
    col_mean_time: "Tempo medio di risposta",
    bot: "Bot",
    agent_unknown: "Una persona (non registrata)",
    former_member: "Ex membro {id}",
    explain: "Ogni nuovo messaggio, spiegato",
    explain_help: "Ogni nuovo messaggio del canale, conteggiato o escluso, e perché.",
    filter: "Filtra",
    status: "Stato",
    reason: "Motivo",
    any: "Tutti",
    answered: "Con risposta",
    missed: "Persi",
    pending: "In attesa",
    excluded: "Esclusi",
    status_answered: "con risposta",
    status_missed: "perso",
    status_pending: "in attesa",
    status_excluded: "escluso",
    reason_away: "il canale era assente al suo arrivo",
    reason_spam: "la conversazione è nello spam",
    reason_moved_to_done: "spostata tra le concluse entro 24 h, prima di ogni risposta",
    reason_moved_to_spam: "spostata nello spam entro 24 h, prima di ogni risposta",
    col_status: "Stato",
    col_why: "Perché",
    col_reply: "Prima risposta",
    col_in_window: "Nel periodo",
    yes: "sì",
    no: "no",
    answered_in: "risposta in {time}",
    replied_late: "la prima risposta è arrivata {time} dopo, oltre 24 h",
    no_reply_24h: "nessuna risposta entro 24 h",
    waiting_for: "in attesa da {time}",
    reply_by: "{who}, {time}",
    explain_empty: "Nessun nuovo messaggio corrisponde a questi filtri.",
    explain_total: "{shown} nuovi messaggi mostrati su {total}, dai più recenti.",
    explain_capped: "Sono elencati solo i {shown} più recenti; restringi i filtri per vedere gli altri.",
    export: "Esporta",
    export_help: "Scarica le conversazioni di questo canale, o ogni nuovo messaggio spiegato, per un intervallo di giorni (UTC), come file CSV per un foglio di calcolo.",
    export_from: "Dal",
    export_to: "Al",
    export_conversations: "Conversazioni (CSV)",
    export_responsiveness: "Nuovi messaggi spiegati (CSV)",
};
