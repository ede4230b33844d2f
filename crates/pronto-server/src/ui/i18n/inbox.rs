//! Texts of the inbox, the conversation and the composer.

use serde::Serialize;

/// Texts of the inbox, the conversation and the composer, in one language.
#[derive(Serialize)]
pub struct Inbox {
    /// Inbox
    pub title: &'static str,
    /// Folders
    pub folders: &'static str,
    /// Inbox
    pub folder_inbox: &'static str,
    /// Mine
    pub folder_mine: &'static str,
    /// Unassigned
    pub folder_unassigned: &'static str,
    /// Done
    pub folder_done: &'static str,
    /// Spam
    pub folder_spam: &'static str,
    /// Snoozed
    pub folder_snoozed: &'static str,
    /// Snooze (the control's label)
    pub snooze: &'static str,
    /// 1 hour
    pub snooze_1h: &'static str,
    /// 3 hours
    pub snooze_3h: &'static str,
    /// Tomorrow 9:00
    pub snooze_tomorrow: &'static str,
    /// Until the customer writes
    pub snooze_reply: &'static str,
    /// Snooze (the button)
    pub snooze_button: &'static str,
    /// Wake up
    pub unsnooze: &'static str,
    /// Snoozed until {date} (on rows)
    pub snoozed_until: &'static str,
    /// Snoozed until the customer writes (on rows)
    pub snoozed_until_reply: &'static str,
    /// Priority {n} (on rows)
    pub priority: &'static str,
    /// Conversations
    pub list_label: &'static str,
    /// No conversations here.
    pub empty_list: &'static str,
    /// Show more
    pub more: &'static str,
    /// waiting {time}
    pub waiting: &'static str,
    /// answered
    pub answered: &'static str,
    /// {time} to answer
    pub clock_left: &'static str,
    /// late by {time}
    pub clock_late: &'static str,
    /// counts as missed in {time}
    pub clock_expires: &'static str,
    /// Time left before this conversation hurts the response time or the response rate
    pub clock_help: &'static str,
    /// Unassigned
    pub unassigned: &'static str,
    /// No messages yet
    pub no_messages: &'static str,
    /// Choose a conversation on the left, or press j.
    pub choose: &'static str,
    /// Back to the list
    pub back: &'static str,
    /// Messages
    pub history: &'static str,
    /// Customer
    pub author_customer: &'static str,
    /// Agent
    pub author_agent: &'static str,
    /// Bot
    pub author_bot: &'static str,
    /// Automated reply
    pub author_automation: &'static str,
    /// Sending…
    pub status_queued: &'static str,
    /// Sent
    pub status_sent: &'static str,
    /// Delivered
    pub status_delivered: &'static str,
    /// Read
    pub status_read: &'static str,
    /// Not sent
    pub status_failed: &'static str,
    /// Received
    pub status_received: &'static str,
    /// Not sent: {reason}
    pub failed_reason: &'static str,
    /// Try again
    pub retry: &'static str,
    /// edited
    pub edited: &'static str,
    /// The customer deleted this message.
    pub deleted: &'static str,
    /// Reaction: {reaction}
    pub reaction: &'static str,
    /// Attachment
    pub attachment: &'static str,
    /// Open the attachment
    pub open_attachment: &'static str,
    /// Came from: {source}
    pub came_from: &'static str,
    /// Internal notes
    pub notes: &'static str,
    /// Only your team sees notes.
    pub notes_help: &'static str,
    /// Add note
    pub add_note: &'static str,
    /// Write a note for your team
    pub note_placeholder: &'static str,
    /// No notes yet.
    pub no_notes: &'static str,
    /// Show older messages (loads the page before the oldest shown)
    pub show_older: &'static str,
    /// Showing the latest {n} notes; older ones through the API.
    pub older_notes: &'static str,
    /// Contact
    pub contact: &'static str,
    /// On channels
    pub identities: &'static str,
    /// Language
    pub locale: &'static str,
    /// Local time
    pub local_time: &'static str,
    /// The page a web chat visitor is on
    pub visitor_page: &'static str,
    /// Browser language
    pub browser_language: &'static str,
    /// Details
    pub attributes: &'static str,
    /// not known
    pub unknown: &'static str,
    /// Language learnt from their messages
    pub language_detected: &'static str,
    /// Language from their profile
    pub language_platform: &'static str,
    /// Language set by the team
    pub language_agent: &'static str,
    /// Edit contact (the card's editor)
    pub edit_contact: &'static str,
    /// Name
    pub field_name: &'static str,
    /// Email
    pub field_email: &'static str,
    /// Phone
    pub field_phone: &'static str,
    /// Language
    pub field_language: &'static str,
    /// Time zone
    pub field_timezone: &'static str,
    /// Notes
    pub field_notes: &'static str,
    /// Two letters, as en or it
    pub language_hint: &'static str,
    /// Save
    pub save_contact: &'static str,
    /// VIP: their conversations are handed out first (the card's toggle)
    pub vip_toggle: &'static str,
    /// Same person on another channel? (the merge part of the card)
    pub merge_title: &'static str,
    /// What a merge does
    pub merge_hint: &'static str,
    /// Name, email or phone (the lookup's label)
    pub merge_find: &'static str,
    /// Find
    pub merge_search: &'static str,
    /// Merge into this contact
    pub merge_button: &'static str,
    /// Merge {name} into this contact? …
    pub merge_confirm: &'static str,
    /// No other contact matches.
    pub merge_none: &'static str,
    /// Contacts merged.
    pub merge_done: &'static str,
    /// Messaging window
    pub window: &'static str,
    /// Open: {time} left of 24 hours
    pub window_open: &'static str,
    /// Closed since {date}
    pub window_closed: &'static str,
    /// The customer has not written yet.
    pub window_none: &'static str,
    /// A person may still reply with the Human Agent tag until {date}.
    pub human_agent_until: &'static str,
    /// This customer came from an ad: answer before {date}...
    pub free_entry_offered: &'static str,
    /// Free entry point (ad): every message is free until {date}...
    pub free_entry_open: &'static str,
    /// The free entry point after the ad ended at {date}.
    pub free_entry_over: &'static str,
    /// The Human Agent period is over too.
    pub human_agent_over: &'static str,
    /// This channel does not have the Human Agent feature.
    pub human_agent_off: &'static str,
    /// No 24-hour window on this channel.
    pub window_always: &'static str,
    /// Reply
    pub composer_label: &'static str,
    /// Write a reply. Enter sends, Shift+Enter starts a new line, / opens saved replies.
    pub composer_placeholder: &'static str,
    /// Send
    pub send: &'static str,
    /// Sending…
    pub sending: &'static str,
    /// Sign with my name
    pub signature: &'static str,
    /// This reply runs past three sentences; short messages get read and answered faster.
    pub long_hint: &'static str,
    /// Quick-reply buttons
    pub quick_replies: &'static str,
    /// Add a button
    pub quick_reply_add: &'static str,
    /// Attach a file
    pub attach_file: &'static str,
    /// Remove the file {name}
    pub attach_remove: &'static str,
    /// Uploading {name}…
    pub attach_uploading: &'static str,
    /// Button text
    pub quick_reply_title: &'static str,
    /// Remove the button {title}
    pub quick_reply_remove: &'static str,
    /// Saved replies
    pub saved_replies: &'static str,
    /// No saved reply starts with that shortcut.
    pub saved_none: &'static str,
    /// The customer has not written on this channel yet.
    pub refused_no_customer_message: &'static str,
    /// The 24-hour window is closed.
    pub refused_window_closed: &'static str,
    /// The 24-hour window is closed and this channel cannot use the Human Agent tag.
    pub refused_no_human_agent: &'static str,
    /// The 24-hour window and the 7 days of the Human Agent tag are over.
    pub refused_human_agent_expired: &'static str,
    /// Outside the 24-hour window WhatsApp only takes an approved template.
    pub refused_template_required: &'static str,
    /// Approved templates
    pub templates_title: &'static str,
    /// Send this template
    pub template_send: &'static str,
    /// As the customer will see it:
    pub template_preview: &'static str,
    /// billed by WhatsApp
    pub template_billed: &'static str,
    /// free now
    pub template_free: &'static str,
    /// The header's {{name}}
    pub template_header_text: &'static str,
    /// The header's {kind}: its https link
    pub template_header_media: &'static str,
    /// Button “{text}”: the end of its link
    pub template_button_url: &'static str,
    /// Button “{text}”: what a tap sends back (optional)
    pub template_button_payload: &'static str,
    /// No template is known for this channel yet: an admin synchronizes them...
    pub templates_none: &'static str,
    /// Paused by WhatsApp for low quality: pick another.
    pub template_paused: &'static str,
    /// Disabled by WhatsApp: it cannot be sent again.
    pub template_disabled: &'static str,
    /// Not approved ({status}).
    pub template_not_approved: &'static str,
    /// The reply is longer than the platform accepts.
    pub refused_text_too_long: &'static str,
    /// This person only commented on a post: answer their comment privately.
    pub refused_commenter_only: &'static str,
    /// The platform would refuse this reply: {reason}
    pub refused_other: &'static str,
    /// Sent with the Human Agent tag (outside the 24-hour window).
    pub human_agent_tag: &'static str,
    /// Actions
    pub actions: &'static str,
    /// Assign to me
    pub assign_me: &'static str,
    /// Assign to
    pub assign_to: &'static str,
    /// Nobody
    pub assign_nobody: &'static str,
    /// Assigned to {name}
    pub assigned_to: &'static str,
    /// Labels
    pub labels: &'static str,
    /// Add a label
    pub add_label: &'static str,
    /// Remove the label {label}
    pub remove_label: &'static str,
    /// Done
    pub move_done: &'static str,
    /// Spam
    pub move_spam: &'static str,
    /// Back to inbox
    pub move_inbox: &'static str,
    /// In {folder}
    pub in_folder: &'static str,
    /// Channel status
    pub channel_status: &'static str,
    /// Away
    pub away: &'static str,
    /// Available
    pub available: &'static str,
    /// Set away
    pub set_away: &'static str,
    /// Set available
    pub set_available: &'static str,
    /// Away until {date} (ends by itself)
    pub away_ends: &'static str,
    /// {name} is viewing
    pub viewing: &'static str,
    /// {name} is typing
    pub typing: &'static str,
    /// Comments
    pub comments: &'static str,
    /// Sent by {name}
    pub sent_by: &'static str,
    /// Customer {id}
    pub unnamed: &'static str,
}

/// In English.
pub const EN: Inbox = Inbox {
    title: "Inbox",
    folders: "Folders",
    folder_inbox: "Inbox",
    folder_mine: "Mine",
    folder_unassigned: "Unassigned",
    folder_done: "Done",
    folder_spam: "Spam",
    folder_snoozed: "Snoozed",
    snooze: "Snooze",
    snooze_1h: "1 hour",
    snooze_3h: "3 hours",
    snooze_tomorrow: "Tomorrow 9:00",
    snooze_reply: "Until the customer writes",
    snooze_button: "Snooze",
    unsnooze: "Wake up",
    snoozed_until: "Snoozed until {date}",
    snoozed_until_reply: "Snoozed until the customer writes",
    priority: "Priority {n}",
    list_label: "Conversations",
    empty_list: "No conversations here.",
    more: "Show more",
    waiting: "waiting {time}",
    answered: "answered",
    clock_left: "{time} to answer",
    clock_late: "late by {time}",
    clock_expires: "counts as missed in {time}",
    clock_help: "Time left before this conversation hurts the response time or the response rate",
    unassigned: "Unassigned",
    no_messages: "No messages yet",
    choose: "Choose a conversation on the left, or press j.",
    back: "Back to the list",
    history: "Messages",
    author_customer: "Customer",
    author_agent: "Agent",
    author_bot: "Bot",
    author_automation: "Automated reply",
    status_queued: "Sending…",
    status_sent: "Sent",
    status_delivered: "Delivered",
    status_read: "Read",
    status_failed: "Not sent",
    status_received: "Received",
    failed_reason: "Not sent: {reason}",
    retry: "Try again",
    edited: "edited",
    deleted: "The customer deleted this message.",
    reaction: "Reaction: {reaction}",
    attachment: "Attachment",
    open_attachment: "Open the attachment",
    came_from: "Came from: {source}",
    notes: "Internal notes",
    notes_help: "Only your team sees notes.",
    add_note: "Add note",
    note_placeholder: "Write a note for your team",
    no_notes: "No notes yet.",
    show_older: "Show older messages",
    older_notes: "Showing the latest {n} notes; older ones are in the API (notes_before).",
    contact: "Contact",
    identities: "On channels",
    locale: "Language",
    local_time: "Local time",
    visitor_page: "On the page",
    browser_language: "Browser language",
    attributes: "Details",
    unknown: "not known",
    language_detected: "detected",
    language_platform: "from their profile",
    language_agent: "set by the team",
    edit_contact: "Edit contact",
    field_name: "Name",
    field_email: "Email",
    field_phone: "Phone",
    field_language: "Language",
    field_timezone: "Time zone",
    field_notes: "Notes",
    language_hint: "Two letters, as en or it",
    save_contact: "Save",
    vip_toggle: "VIP: handed out first",
    merge_title: "Same person on another channel?",
    merge_hint: "Find their other contact and merge it into this one: its conversations, channels and comments move here, what this card lacks is taken from it, and it is deleted. Two contacts known on the same channel stay apart.",
    merge_find: "Name, email or phone",
    merge_search: "Find",
    merge_button: "Merge into this contact",
    merge_confirm: "Merge {name} into this contact? Their conversations move here and their contact is deleted; this cannot be undone.",
    merge_none: "No other contact matches.",
    merge_done: "Contacts merged.",
    window: "Messaging window",
    window_open: "Open: {time} left of 24 hours",
    window_closed: "Closed since {date}",
    window_none: "The customer has not written yet.",
    human_agent_until: "A person may still reply with the Human Agent tag until {date}.",
    free_entry_offered: "This customer came from an ad: answer before {date} and every message for 72 hours after your answer is free.",
    free_entry_open: "Free entry point (ad): every message, templates included, is free until {date}; the 24-hour window still decides what may be sent.",
    free_entry_over: "The free entry point after the ad ended at {date}.",
    human_agent_over: "The Human Agent period is over too.",
    human_agent_off: "This channel does not have the Human Agent feature.",
    window_always: "No 24-hour window on this channel.",
    composer_label: "Reply",
    composer_placeholder: "Write a reply. Enter sends, Shift+Enter starts a new line, / opens saved replies.",
    send: "Send",
    sending: "Sending…",
    signature: "Sign with my name",
    long_hint: "This reply runs past three sentences; short messages get read and answered faster.",
    quick_replies: "Quick-reply buttons",
    quick_reply_add: "Add a button",
    attach_file: "Attach a file",
    attach_remove: "Remove the file {name}",
    attach_uploading: "Uploading {name}…",
    quick_reply_title: "Button text",
    quick_reply_remove: "Remove the button {title}",
    saved_replies: "Saved replies",
    saved_none: "No saved reply starts with that shortcut.",
    refused_no_customer_message: "The customer has not written on this channel yet.",
    refused_window_closed: "The 24-hour window is closed.",
    refused_no_human_agent: "The 24-hour window is closed and this channel cannot use the Human Agent tag.",
    refused_human_agent_expired: "The 24-hour window and the 7 days of the Human Agent tag are over.",
    refused_template_required: "Outside the 24-hour window WhatsApp only takes an approved template.",
    templates_title: "Approved templates",
    template_send: "Send this template",
    template_preview: "As the customer will see it:",
    template_billed: "billed by WhatsApp",
    template_free: "free now",
    template_header_text: "Header {{{name}}}",
    template_header_media: "Header {kind}: its https link",
    template_button_url: "Button “{text}”: the end of its link",
    template_button_payload: "Button “{text}”: what a tap sends back (optional)",
    templates_none: "No template is known for this channel yet: an admin synchronizes them from WhatsApp (POST /api/v1/channels/{id}/templates/sync).",
    template_paused: "Paused by WhatsApp for low quality: pick another.",
    template_disabled: "Disabled by WhatsApp: it cannot be sent again.",
    template_not_approved: "Not approved ({status}).",
    refused_text_too_long: "The reply is longer than the platform accepts.",
    refused_commenter_only: "This person only commented on a post: answer their comment privately.",
    refused_other: "The platform would refuse this reply: {reason}",
    human_agent_tag: "Sent with the Human Agent tag (outside the 24-hour window).",
    actions: "Actions",
    assign_me: "Assign to me",
    assign_to: "Assign to",
    assign_nobody: "Nobody",
    assigned_to: "Assigned to {name}",
    labels: "Labels",
    add_label: "Add a label",
    remove_label: "Remove the label {label}",
    move_done: "Done",
    move_spam: "Spam",
    move_inbox: "Back to inbox",
    in_folder: "In {folder}",
    channel_status: "Channel status",
    away: "Away",
    available: "Available",
    set_away: "Set away",
    set_available: "Set available",
    away_ends: "Away until {date} (ends by itself)",
    viewing: "{name} is viewing",
    typing: "{name} is typing",
    comments: "Comments",
    sent_by: "Sent by {name}",
    unnamed: "Customer {id}",
};

/// In French.
pub const FR: Inbox = Inbox {
    title: "Boîte de réception",
    folders: "Dossiers",
    folder_inbox: "À traiter",
    folder_mine: "Les miennes",
    folder_unassigned: "Non attribuées",
    folder_done: "Traitées",
    folder_spam: "Indésirables",
    folder_snoozed: "En pause",
    snooze: "Mettre en pause",
    snooze_1h: "1 heure",
    snooze_3h: "3 heures",
    snooze_tomorrow: "Demain 9 h",
    snooze_reply: "Jusqu'à ce que le client écrive",
    snooze_button: "Mettre en pause",
    unsnooze: "Réveiller",
    snoozed_until: "En pause jusqu'au {date}",
    snoozed_until_reply: "En pause jusqu'à ce que le client écrive",
    priority: "Priorité {n}",
    list_label: "Conversations",
    empty_list: "Aucune conversation ici.",
    more: "Afficher plus",
    waiting: "en attente depuis {time}",
    answered: "répondu",
    clock_left: "{time} pour répondre",
    clock_late: "en retard de {time}",
    clock_expires: "comptée comme manquée dans {time}",
    clock_help: "Temps restant avant que cette conversation ne pèse sur le temps ou le taux de réponse",
    unassigned: "Non attribuée",
    no_messages: "Pas encore de messages",
    choose: "Choisissez une conversation à gauche, ou appuyez sur j.",
    back: "Retour à la liste",
    history: "Messages",
    author_customer: "Client",
    author_agent: "Conseiller",
    author_bot: "Robot",
    author_automation: "Réponse automatique",
    status_queued: "Envoi…",
    status_sent: "Envoyé",
    status_delivered: "Distribué",
    status_read: "Lu",
    status_failed: "Non envoyé",
    status_received: "Reçu",
    failed_reason: "Non envoyé : {reason}",
    retry: "Réessayer",
    edited: "modifié",
    deleted: "Le client a supprimé ce message.",
    reaction: "Réaction : {reaction}",
    attachment: "Pièce jointe",
    open_attachment: "Ouvrir la pièce jointe",
    came_from: "Arrivé par : {source}",
    notes: "Notes internes",
    notes_help: "Seule votre équipe voit les notes.",
    add_note: "Ajouter la note",
    note_placeholder: "Écrivez une note pour votre équipe",
    no_notes: "Pas encore de notes.",
    show_older: "Afficher les messages plus anciens",
    older_notes: "Seules les {n} dernières notes sont affichées ; les plus anciennes sont dans l’API (notes_before).",
    contact: "Contact",
    identities: "Sur les canaux",
    locale: "Langue",
    local_time: "Heure locale",
    visitor_page: "Sur la page",
    browser_language: "Langue du navigateur",
    attributes: "Informations",
    unknown: "inconnu",
    language_detected: "détectée",
    language_platform: "selon son profil",
    language_agent: "choisie par l'équipe",
    edit_contact: "Modifier le contact",
    field_name: "Nom",
    field_email: "E-mail",
    field_phone: "Téléphone",
    field_language: "Langue",
    field_timezone: "Fuseau horaire",
    field_notes: "Notes",
    language_hint: "Deux lettres, comme fr ou it",
    save_contact: "Enregistrer",
    vip_toggle: "VIP : servi en premier",
    merge_title: "La même personne sur un autre canal ?",
    merge_hint: "Trouvez son autre contact et fusionnez-le dans celui-ci : ses conversations, canaux et commentaires viennent ici, ce qui manque à cette fiche est repris du sien, puis il est supprimé. Deux contacts connus sur le même canal restent séparés.",
    merge_find: "Nom, e-mail ou téléphone",
    merge_search: "Chercher",
    merge_button: "Fusionner dans ce contact",
    merge_confirm: "Fusionner {name} dans ce contact ? Ses conversations viennent ici et son contact est supprimé ; c'est définitif.",
    merge_none: "Aucun autre contact ne correspond.",
    merge_done: "Contacts fusionnés.",
    window: "Fenêtre de messagerie",
    window_open: "Ouverte : encore {time} sur 24 heures",
    window_closed: "Fermée depuis le {date}",
    window_none: "Le client n'a pas encore écrit.",
    human_agent_until: "Une personne peut encore répondre avec le tag Human Agent jusqu'au {date}.",
    free_entry_offered: "Ce client vient d'une publicité : répondez avant le {date} et tous les messages des 72 heures suivant votre réponse seront gratuits.",
    free_entry_open: "Point d'entrée gratuit (publicité) : tous les messages, modèles compris, sont gratuits jusqu'au {date} ; la fenêtre de 24 heures décide toujours de ce qui peut partir.",
    free_entry_over: "Le point d'entrée gratuit après la publicité a pris fin le {date}.",
    human_agent_over: "La période Human Agent est aussi terminée.",
    human_agent_off: "Ce canal n'a pas la fonction Human Agent.",
    window_always: "Pas de fenêtre de 24 heures sur ce canal.",
    composer_label: "Réponse",
    composer_placeholder: "Écrivez une réponse. Entrée envoie, Maj+Entrée va à la ligne, / ouvre les réponses enregistrées.",
    send: "Envoyer",
    sending: "Envoi…",
    signature: "Signer avec mon nom",
    long_hint: "Cette réponse dépasse trois phrases ; les messages courts sont lus et traités plus vite.",
    quick_replies: "Boutons de réponse rapide",
    quick_reply_add: "Ajouter un bouton",
    attach_file: "Joindre un fichier",
    attach_remove: "Retirer le fichier {name}",
    attach_uploading: "Envoi de {name}…",
    quick_reply_title: "Texte du bouton",
    quick_reply_remove: "Retirer le bouton {title}",
    saved_replies: "Réponses enregistrées",
    saved_none: "Aucune réponse enregistrée ne commence par ce raccourci.",
    refused_no_customer_message: "Le client n'a pas encore écrit sur ce canal.",
    refused_window_closed: "La fenêtre de 24 heures est fermée.",
    refused_no_human_agent: "La fenêtre de 24 heures est fermée et ce canal ne peut pas utiliser le tag Human Agent.",
    refused_human_agent_expired: "La fenêtre de 24 heures et les 7 jours du tag Human Agent sont passés.",
    refused_template_required: "Hors de la fenêtre de 24 heures, WhatsApp n'accepte qu'un modèle approuvé.",
    templates_title: "Modèles approuvés",
    template_send: "Envoyer ce modèle",
    template_preview: "Tel que le client le verra :",
    template_billed: "facturé par WhatsApp",
    template_free: "gratuit maintenant",
    template_header_text: "En-tête {{{name}}}",
    template_header_media: "En-tête {kind} : son lien https",
    template_button_url: "Bouton « {text} » : la fin de son lien",
    template_button_payload: "Bouton « {text} » : ce qu'un appui renvoie (facultatif)",
    templates_none: "Aucun modèle connu pour ce canal : un administrateur les synchronise depuis WhatsApp (POST /api/v1/channels/{id}/templates/sync).",
    template_paused: "Mis en pause par WhatsApp pour qualité insuffisante : choisissez-en un autre.",
    template_disabled: "Désactivé par WhatsApp : il ne peut plus être envoyé.",
    template_not_approved: "Non approuvé ({status}).",
    refused_text_too_long: "La réponse est plus longue que ce que la plateforme accepte.",
    refused_commenter_only: "Cette personne a seulement commenté une publication : répondez à son commentaire en privé.",
    refused_other: "La plateforme refuserait cette réponse : {reason}",
    human_agent_tag: "Envoyé avec le tag Human Agent (hors de la fenêtre de 24 heures).",
    actions: "Actions",
    assign_me: "M'attribuer",
    assign_to: "Attribuer à",
    assign_nobody: "Personne",
    assigned_to: "Attribuée à {name}",
    labels: "Étiquettes",
    add_label: "Ajouter une étiquette",
    remove_label: "Retirer l'étiquette {label}",
    move_done: "Traitée",
    move_spam: "Indésirable",
    move_inbox: "Remettre à traiter",
    in_folder: "Dans {folder}",
    channel_status: "État du canal",
    away: "Absent",
    available: "Disponible",
    set_away: "Passer en absent",
    set_available: "Passer en disponible",
    away_ends: "Absent jusqu'au {date} (fin automatique)",
    viewing: "{name} consulte",
    typing: "{name} écrit",
    comments: "Commentaires",
    sent_by: "Envoyé par {name}",
    unnamed: "Client {id}",
};

/// In Italian.
pub const IT: Inbox = Inbox {
    title: "Posta in arrivo",
    folders: "Cartelle",
    folder_inbox: "Da gestire",
    folder_mine: "Mie",
    folder_unassigned: "Non assegnate",
    folder_done: "Completate",
    folder_spam: "Spam",
    folder_snoozed: "In pausa",
    snooze: "Metti in pausa",
    snooze_1h: "1 ora",
    snooze_3h: "3 ore",
    snooze_tomorrow: "Domani alle 9",
    snooze_reply: "Finché il cliente scrive",
    snooze_button: "Metti in pausa",
    unsnooze: "Riattiva",
    snoozed_until: "In pausa fino a {date}",
    snoozed_until_reply: "In pausa finché il cliente scrive",
    priority: "Priorità {n}",
    list_label: "Conversazioni",
    empty_list: "Nessuna conversazione qui.",
    more: "Mostra altre",
    waiting: "in attesa da {time}",
    answered: "risposto",
    clock_left: "{time} per rispondere",
    clock_late: "in ritardo di {time}",
    clock_expires: "conteggiata come persa tra {time}",
    clock_help: "Tempo rimasto prima che questa conversazione peggiori il tempo o il tasso di risposta",
    unassigned: "Non assegnata",
    no_messages: "Ancora nessun messaggio",
    choose: "Scegli una conversazione a sinistra o premi j.",
    back: "Torna all'elenco",
    history: "Messaggi",
    author_customer: "Cliente",
    author_agent: "Operatore",
    author_bot: "Bot",
    author_automation: "Risposta automatica",
    status_queued: "Invio…",
    status_sent: "Inviato",
    status_delivered: "Consegnato",
    status_read: "Letto",
    status_failed: "Non inviato",
    status_received: "Ricevuto",
    failed_reason: "Non inviato: {reason}",
    retry: "Riprova",
    edited: "modificato",
    deleted: "Il cliente ha eliminato questo messaggio.",
    reaction: "Reazione: {reaction}",
    attachment: "Allegato",
    open_attachment: "Apri l'allegato",
    came_from: "Arrivato da: {source}",
    notes: "Note interne",
    notes_help: "Solo il tuo team vede le note.",
    add_note: "Aggiungi nota",
    note_placeholder: "Scrivi una nota per il tuo team",
    no_notes: "Ancora nessuna nota.",
    show_older: "Mostra i messaggi precedenti",
    older_notes: "Sono mostrate le ultime {n} note; le più vecchie sono nell’API (notes_before).",
    contact: "Contatto",
    identities: "Sui canali",
    locale: "Lingua",
    local_time: "Ora locale",
    visitor_page: "Sulla pagina",
    browser_language: "Lingua del browser",
    attributes: "Dettagli",
    unknown: "sconosciuto",
    language_detected: "rilevata",
    language_platform: "dal suo profilo",
    language_agent: "scelta dal team",
    edit_contact: "Modifica contatto",
    field_name: "Nome",
    field_email: "Email",
    field_phone: "Telefono",
    field_language: "Lingua",
    field_timezone: "Fuso orario",
    field_notes: "Note",
    language_hint: "Due lettere, come it o fr",
    save_contact: "Salva",
    vip_toggle: "VIP: servito per primo",
    merge_title: "La stessa persona su un altro canale?",
    merge_hint: "Trova il suo altro contatto e uniscilo a questo: conversazioni, canali e commenti passano qui, ciò che manca a questa scheda viene preso dall'altra, che poi viene eliminata. Due contatti noti sullo stesso canale restano separati.",
    merge_find: "Nome, email o telefono",
    merge_search: "Cerca",
    merge_button: "Unisci a questo contatto",
    merge_confirm: "Unire {name} a questo contatto? Le sue conversazioni passano qui e il suo contatto viene eliminato; non si può annullare.",
    merge_none: "Nessun altro contatto corrisponde.",
    merge_done: "Contatti uniti.",
    window: "Finestra di messaggistica",
    window_open: "Aperta: ancora {time} su 24 ore",
    window_closed: "Chiusa dal {date}",
    window_none: "Il cliente non ha ancora scritto.",
    human_agent_until: "Una persona può ancora rispondere con il tag Human Agent fino al {date}.",
    free_entry_offered: "Questo cliente arriva da un annuncio: rispondi entro il {date} e ogni messaggio delle 72 ore dopo la tua risposta è gratuito.",
    free_entry_open: "Punto di ingresso gratuito (annuncio): ogni messaggio, modelli compresi, è gratuito fino al {date}; la finestra di 24 ore decide comunque cosa si può inviare.",
    free_entry_over: "Il punto di ingresso gratuito dopo l'annuncio è terminato il {date}.",
    human_agent_over: "Anche il periodo Human Agent è terminato.",
    human_agent_off: "Questo canale non ha la funzione Human Agent.",
    window_always: "Nessuna finestra di 24 ore su questo canale.",
    composer_label: "Risposta",
    composer_placeholder: "Scrivi una risposta. Invio invia, Maiusc+Invio va a capo, / apre le risposte salvate.",
    send: "Invia",
    sending: "Invio…",
    signature: "Firma con il mio nome",
    long_hint: "Questa risposta supera tre frasi; i messaggi brevi vengono letti e gestiti più in fretta.",
    quick_replies: "Pulsanti di risposta rapida",
    quick_reply_add: "Aggiungi un pulsante",
    attach_file: "Allega un file",
    attach_remove: "Rimuovi il file {name}",
    attach_uploading: "Caricamento di {name}…",
    quick_reply_title: "Testo del pulsante",
    quick_reply_remove: "Rimuovi il pulsante {title}",
    saved_replies: "Risposte salvate",
    saved_none: "Nessuna risposta salvata inizia con questa scorciatoia.",
    refused_no_customer_message: "Il cliente non ha ancora scritto su questo canale.",
    refused_window_closed: "La finestra di 24 ore è chiusa.",
    refused_no_human_agent: "La finestra di 24 ore è chiusa e questo canale non può usare il tag Human Agent.",
    refused_human_agent_expired: "La finestra di 24 ore e i 7 giorni del tag Human Agent sono finiti.",
    refused_template_required: "Fuori dalla finestra di 24 ore WhatsApp accetta solo un modello approvato.",
    templates_title: "Modelli approvati",
    template_send: "Invia questo modello",
    template_preview: "Come lo vedrà il cliente:",
    template_billed: "a pagamento su WhatsApp",
    template_free: "gratuito ora",
    template_header_text: "Intestazione {{{name}}}",
    template_header_media: "Intestazione {kind}: il suo link https",
    template_button_url: "Pulsante «{text}»: la fine del suo link",
    template_button_payload: "Pulsante «{text}»: cosa invia un tocco (facoltativo)",
    templates_none: "Nessun modello noto per questo canale: un amministratore li sincronizza da WhatsApp (POST /api/v1/channels/{id}/templates/sync).",
    template_paused: "Messo in pausa da WhatsApp per bassa qualità: scegline un altro.",
    template_disabled: "Disattivato da WhatsApp: non può più essere inviato.",
    template_not_approved: "Non approvato ({status}).",
    refused_text_too_long: "La risposta è più lunga di quanto la piattaforma accetti.",
    refused_commenter_only: "Questa persona ha solo commentato un post: rispondi al suo commento in privato.",
    refused_other: "La piattaforma rifiuterebbe questa risposta: {reason}",
    human_agent_tag: "Inviato con il tag Human Agent (fuori dalla finestra di 24 ore).",
    actions: "Azioni",
    assign_me: "Assegna a me",
    assign_to: "Assegna a",
    assign_nobody: "Nessuno",
    assigned_to: "Assegnata a {name}",
    labels: "Etichette",
    add_label: "Aggiungi un'etichetta",
    remove_label: "Rimuovi l'etichetta {label}",
    move_done: "Completata",
    move_spam: "Spam",
    move_inbox: "Rimetti da gestire",
    in_folder: "In {folder}",
    channel_status: "Stato del canale",
    away: "Assente",
    available: "Disponibile",
    set_away: "Imposta assente",
    set_available: "Imposta disponibile",
    away_ends: "Assente fino al {date} (termina da solo)",
    viewing: "{name} sta guardando",
    typing: "{name} sta scrivendo",
    comments: "Commenti",
    sent_by: "Inviato da {name}",
    unnamed: "Cliente {id}",
};
