//! Texts of the rules page.

use serde::Serialize;

/// Texts of the rules page, in one language.
#[derive(Serialize)]
pub struct Rules {
    /// Rules
    pub title: &'static str,
    /// Rules run in this order on what happens in the inbox: each whose trigger and conditions match does its actions.
    pub intro: &'static str,
    /// No rule yet.
    pub empty: &'static str,
    /// On
    pub on: &'static str,
    /// Off
    pub off: &'static str,
    /// When
    pub when: &'static str,
    /// If
    pub if_all: &'static str,
    /// Then
    pub then: &'static str,
    /// always
    pub always: &'static str,
    /// Edit
    pub edit: &'static str,
    /// Edit {name}
    pub edit_named: &'static str,
    /// Turn off
    pub turn_off: &'static str,
    /// Turn on
    pub turn_on: &'static str,
    /// Turn off {name}
    pub turn_off_named: &'static str,
    /// Turn on {name}
    pub turn_on_named: &'static str,
    /// Move up
    pub move_up: &'static str,
    /// Move down
    pub move_down: &'static str,
    /// Move {name} up
    pub move_up_named: &'static str,
    /// Move {name} down
    pub move_down_named: &'static str,
    /// Delete
    pub delete: &'static str,
    /// Delete {name}
    pub delete_named: &'static str,
    /// Delete this rule?
    pub delete_confirm: &'static str,
    /// Last firings
    pub runs: &'static str,
    /// It has not fired yet.
    pub runs_none: &'static str,
    /// {action} on {conversation}
    pub run: &'static str,
    /// conversation {id}
    pub conversation_n: &'static str,
    /// New rule
    pub form_add: &'static str,
    /// Edit the rule
    pub form_edit: &'static str,
    /// Name
    pub name: &'static str,
    /// On
    pub enabled: &'static str,
    /// Trigger
    pub trigger: &'static str,
    /// Minutes without a reply
    pub minutes: &'static str,
    /// Conditions (all must hold)
    pub conditions: &'static str,
    /// Actions, in order
    pub actions: &'static str,
    /// Add a condition
    pub add_condition: &'static str,
    /// Add an action
    pub add_action: &'static str,
    /// Remove
    pub remove: &'static str,
    /// Condition
    pub condition: &'static str,
    /// Action
    pub action: &'static str,
    /// Kind
    pub kind: &'static str,
    /// Save the rule
    pub save: &'static str,
    /// Cancel editing
    pub cancel: &'static str,
    /// A new conversation starts
    pub w_conversation_opened: &'static str,
    /// A customer writes
    pub w_customer_message: &'static str,
    /// A customer waits for a reply
    pub w_no_reply_for: &'static str,
    /// A customer waits {minutes} min for a reply
    pub w_no_reply_for_n: &'static str,
    /// The responsiveness badge is at risk
    pub w_badge_at_risk: &'static str,
    /// A conversation changes folder
    pub w_conversation_moved: &'static str,
    /// On the channel
    pub c_channel: &'static str,
    /// The message contains
    pub c_text_contains: &'static str,
    /// The message matches the pattern
    pub c_text_matches: &'static str,
    /// A contact detail is
    pub c_contact_attribute: &'static str,
    /// The contact's language is
    pub c_locale: &'static str,
    /// The conversation has the label
    pub c_has_label: &'static str,
    /// Business hours are
    pub c_within_business_hours: &'static str,
    /// Assign to
    pub a_assign: &'static str,
    /// Add the label
    pub a_label: &'static str,
    /// Set the priority to
    pub a_set_priority: &'static str,
    /// Send the saved reply
    pub a_send_saved_reply: &'static str,
    /// Send the WhatsApp template
    pub a_send_template: &'static str,
    /// Move to the folder
    pub a_move: &'static str,
    /// Notify
    pub a_notify: &'static str,
    /// Notify the team (the members with a routing label)
    pub a_notify_team: &'static str,
    /// Post the conversation to
    pub a_call_webhook: &'static str,
    /// Text
    pub p_text: &'static str,
    /// Regular expression
    pub p_pattern: &'static str,
    /// Detail
    pub p_attribute: &'static str,
    /// Value
    pub p_value: &'static str,
    /// Language or locale (fr, fr_FR)
    pub p_locale: &'static str,
    /// Label
    pub p_label: &'static str,
    /// Team (the routing label its members handle)
    pub p_team: &'static str,
    /// Channel
    pub p_channel: &'static str,
    /// Open or closed
    pub p_open: &'static str,
    /// open
    pub open: &'static str,
    /// closed
    pub closed: &'static str,
    /// Person
    pub p_user: &'static str,
    /// Priority (-10 to 10)
    pub p_priority: &'static str,
    /// Saved reply
    pub p_reply: &'static str,
    /// Folder
    pub p_folder: &'static str,
    /// URL (https://…)
    pub p_url: &'static str,
    /// Template name
    pub p_template: &'static str,
    /// Its language (empty: the customer's)
    pub p_template_language: &'static str,
    /// Its parameters, separated by |
    pub p_template_parameters: &'static str,
    /// Inbox
    pub folder_inbox: &'static str,
    /// Done
    pub folder_done: &'static str,
    /// Spam
    pub folder_spam: &'static str,
    /// #{id} (gone)
    pub unknown_item: &'static str,
}

/// In English.
pub const EN: Rules = Rules {
    title: "Rules",
    intro: "Rules run in this order on what happens in the inbox: each whose trigger and conditions match does its actions.",
    empty: "No rule yet.",
    on: "On",
    off: "Off",
    when: "When",
    if_all: "If",
    then: "Then",
    always: "always",
    edit: "Edit",
    edit_named: "Edit {name}",
    turn_off: "Turn off",
    turn_on: "Turn on",
    turn_off_named: "Turn off {name}",
    turn_on_named: "Turn on {name}",
    move_up: "Move up",
    move_down: "Move down",
    move_up_named: "Move {name} up",
    move_down_named: "Move {name} down",
    delete: "Delete",
    delete_named: "Delete {name}",
    delete_confirm: "Delete this rule?",
    runs: "Last firings",
    runs_none: "It has not fired yet.",
    run: "{action} on {conversation}",
    conversation_n: "conversation {id}",
    form_add: "New rule",
    form_edit: "Edit the rule",
    name: "Name",
    enabled: "On",
    trigger: "Trigger",
    minutes: "Minutes without a reply",
    conditions: "Conditions (all must hold)",
    actions: "Actions, in order",
    add_condition: "Add a condition",
    add_action: "Add an action",
    remove: "Remove",
    condition: "Condition",
    action: "Action",
    kind: "Kind",
    save: "Save the rule",
    cancel: "Cancel editing",
    w_conversation_opened: "A new conversation starts",
    w_customer_message: "A customer writes",
    w_no_reply_for: "A customer waits for a reply",
    w_no_reply_for_n: "A customer waits {minutes} min for a reply",
    w_badge_at_risk: "The responsiveness badge is at risk",
    w_conversation_moved: "A conversation changes folder",
    c_channel: "On the channel",
    c_text_contains: "The message contains",
    c_text_matches: "The message matches the pattern",
    c_contact_attribute: "A contact detail is",
    c_locale: "The contact's language is",
    c_has_label: "The conversation has the label",
    c_within_business_hours: "Business hours are",
    a_assign: "Assign to",
    a_label: "Add the label",
    a_set_priority: "Set the priority to",
    a_send_saved_reply: "Send the saved reply",
    a_send_template: "Send the WhatsApp template",
    a_move: "Move to the folder",
    a_notify: "Notify",
    a_notify_team: "Notify the team",
    a_call_webhook: "Post the conversation to",
    p_text: "Text",
    p_pattern: "Regular expression",
    p_attribute: "Detail",
    p_value: "Value",
    p_locale: "Language or locale (fr, fr_FR)",
    p_label: "Label",
    p_team: "Team (a label its members handle)",
    p_channel: "Channel",
    p_open: "Open or closed",
    open: "open",
    closed: "closed",
    p_user: "Person",
    p_priority: "Priority (-10 to 10)",
    p_reply: "Saved reply",
    p_folder: "Folder",
    p_url: "URL (https://…)",
    p_template: "Template name",
    p_template_language: "Language (empty: the customer's)",
    p_template_parameters: "Parameters, separated by | ({first_name} works)",
    folder_inbox: "Inbox",
    folder_done: "Done",
    folder_spam: "Spam",
    unknown_item: "#{id} (gone)",
};

/// En français.
pub const FR: Rules = Rules {
    title: "Règles",
    intro: "Les règles s'appliquent dans cet ordre à ce qui arrive dans la boîte : chacune dont le déclencheur et les conditions correspondent fait ses actions.",
    empty: "Aucune règle pour l'instant.",
    on: "Active",
    off: "Désactivée",
    when: "Quand",
    if_all: "Si",
    then: "Alors",
    always: "toujours",
    edit: "Modifier",
    edit_named: "Modifier {name}",
    turn_off: "Désactiver",
    turn_on: "Activer",
    turn_off_named: "Désactiver {name}",
    turn_on_named: "Activer {name}",
    move_up: "Monter",
    move_down: "Descendre",
    move_up_named: "Monter {name}",
    move_down_named: "Descendre {name}",
    delete: "Supprimer",
    delete_named: "Supprimer {name}",
    delete_confirm: "Supprimer cette règle ?",
    runs: "Derniers déclenchements",
    runs_none: "Elle ne s'est pas encore déclenchée.",
    run: "{action} sur {conversation}",
    conversation_n: "la conversation {id}",
    form_add: "Nouvelle règle",
    form_edit: "Modifier la règle",
    name: "Nom",
    enabled: "Active",
    trigger: "Déclencheur",
    minutes: "Minutes sans réponse",
    conditions: "Conditions (toutes doivent être vraies)",
    actions: "Actions, dans l'ordre",
    add_condition: "Ajouter une condition",
    add_action: "Ajouter une action",
    remove: "Retirer",
    condition: "Condition",
    action: "Action",
    kind: "Type",
    save: "Enregistrer la règle",
    cancel: "Annuler la modification",
    w_conversation_opened: "Une nouvelle conversation commence",
    w_customer_message: "Un client écrit",
    w_no_reply_for: "Un client attend une réponse",
    w_no_reply_for_n: "Un client attend une réponse depuis {minutes} min",
    w_badge_at_risk: "Le badge de réactivité est en danger",
    w_conversation_moved: "Une conversation change de dossier",
    c_channel: "Sur le canal",
    c_text_contains: "Le message contient",
    c_text_matches: "Le message correspond au motif",
    c_contact_attribute: "Un détail du contact vaut",
    c_locale: "La langue du contact est",
    c_has_label: "La conversation a l'étiquette",
    c_within_business_hours: "Les horaires d'ouverture sont",
    a_assign: "Attribuer à",
    a_label: "Ajouter l'étiquette",
    a_set_priority: "Mettre la priorité à",
    a_send_saved_reply: "Envoyer la réponse enregistrée",
    a_send_template: "Envoyer le modèle WhatsApp",
    a_move: "Déplacer dans le dossier",
    a_notify: "Prévenir",
    a_notify_team: "Prévenir l'équipe",
    a_call_webhook: "Envoyer la conversation à",
    p_text: "Texte",
    p_pattern: "Expression régulière",
    p_attribute: "Détail",
    p_value: "Valeur",
    p_locale: "Langue ou locale (fr, fr_FR)",
    p_label: "Étiquette",
    p_team: "Équipe (une étiquette que ses membres traitent)",
    p_channel: "Canal",
    p_open: "Ouverts ou fermés",
    open: "ouverts",
    closed: "fermés",
    p_user: "Personne",
    p_priority: "Priorité (-10 à 10)",
    p_reply: "Réponse enregistrée",
    p_folder: "Dossier",
    p_url: "URL (https://…)",
    p_template: "Nom du modèle",
    p_template_language: "Langue (vide : celle du client)",
    p_template_parameters: "Paramètres, séparés par | ({first_name} fonctionne)",
    folder_inbox: "Boîte de réception",
    folder_done: "Terminé",
    folder_spam: "Indésirable",
    unknown_item: "n°{id} (disparu)",
};

/// In italiano.
pub const IT: Rules = Rules {
    title: "Regole",
    intro: "Le regole si applicano in quest'ordine a ciò che accade nella casella: ognuna il cui evento e le cui condizioni corrispondono esegue le sue azioni.",
    empty: "Ancora nessuna regola.",
    on: "Attiva",
    off: "Disattivata",
    when: "Quando",
    if_all: "Se",
    then: "Allora",
    always: "sempre",
    edit: "Modifica",
    edit_named: "Modifica {name}",
    turn_off: "Disattiva",
    turn_on: "Attiva",
    turn_off_named: "Disattiva {name}",
    turn_on_named: "Attiva {name}",
    move_up: "Sposta su",
    move_down: "Sposta giù",
    move_up_named: "Sposta su {name}",
    move_down_named: "Sposta giù {name}",
    delete: "Elimina",
    delete_named: "Elimina {name}",
    delete_confirm: "Eliminare questa regola?",
    runs: "Ultime attivazioni",
    runs_none: "Non si è ancora attivata.",
    run: "{action} su {conversation}",
    conversation_n: "la conversazione {id}",
    form_add: "Nuova regola",
    form_edit: "Modifica la regola",
    name: "Nome",
    enabled: "Attiva",
    trigger: "Evento",
    minutes: "Minuti senza risposta",
    conditions: "Condizioni (devono valere tutte)",
    actions: "Azioni, in ordine",
    add_condition: "Aggiungi una condizione",
    add_action: "Aggiungi un'azione",
    remove: "Rimuovi",
    condition: "Condizione",
    action: "Azione",
    kind: "Tipo",
    save: "Salva la regola",
    cancel: "Annulla la modifica",
    w_conversation_opened: "Inizia una nuova conversazione",
    w_customer_message: "Un cliente scrive",
    w_no_reply_for: "Un cliente aspetta una risposta",
    w_no_reply_for_n: "Un cliente aspetta una risposta da {minutes} min",
    w_badge_at_risk: "Il badge di reattività è a rischio",
    w_conversation_moved: "Una conversazione cambia cartella",
    c_channel: "Sul canale",
    c_text_contains: "Il messaggio contiene",
    c_text_matches: "Il messaggio corrisponde al modello",
    c_contact_attribute: "Un dettaglio del contatto vale",
    c_locale: "La lingua del contatto è",
    c_has_label: "La conversazione ha l'etichetta",
    c_within_business_hours: "L'orario di apertura è",
    a_assign: "Assegna a",
    a_label: "Aggiungi l'etichetta",
    a_set_priority: "Imposta la priorità a",
    a_send_saved_reply: "Invia la risposta salvata",
    a_send_template: "Invia il modello WhatsApp",
    a_move: "Sposta nella cartella",
    a_notify: "Avvisa",
    a_notify_team: "Avvisa il team",
    a_call_webhook: "Invia la conversazione a",
    p_text: "Testo",
    p_pattern: "Espressione regolare",
    p_attribute: "Dettaglio",
    p_value: "Valore",
    p_locale: "Lingua o locale (it, it_IT)",
    p_label: "Etichetta",
    p_team: "Team (un'etichetta che i suoi membri gestiscono)",
    p_channel: "Canale",
    p_open: "Aperto o chiuso",
    open: "aperto",
    closed: "chiuso",
    p_user: "Persona",
    p_priority: "Priorità (da -10 a 10)",
    p_reply: "Risposta salvata",
    p_folder: "Cartella",
    p_url: "URL (https://…)",
    p_template: "Nome del modello",
    p_template_language: "Lingua (vuota: quella del cliente)",
    p_template_parameters: "Parametri, separati da | ({first_name} funziona)",
    folder_inbox: "Posta in arrivo",
    folder_done: "Completate",
    folder_spam: "Spam",
    unknown_item: "n.{id} (non più presente)",
};
