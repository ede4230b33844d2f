//! Texts of the outgoing webhooks section of the settings.

use serde::Serialize;

/// Texts of the outgoing webhooks section, in one language.
#[derive(Serialize)]
pub struct Webhooks {
    /// Outgoing webhooks
    pub title: &'static str,
    /// Pronto posts the events you choose to your URL, signed with X-Pronto-Signature-256. A failed delivery is tried again; after repeated failures the webhook stops until you deliver again.
    pub intro: &'static str,
    /// No outgoing webhook yet.
    pub empty: &'static str,
    /// Delivering
    pub delivering: &'static str,
    /// Stopped after repeated failures
    pub failing: &'static str,
    /// {n} failed attempts at the next event
    pub attempts: &'static str,
    /// Next attempt:
    pub next_attempt: &'static str,
    /// Last error: {error}
    pub last_error: &'static str,
    /// Delivered up to event {n}
    pub delivered_up_to: &'static str,
    /// Events:
    pub events: &'static str,
    /// Deliver now
    pub retry: &'static str,
    /// Deliver now to {url}
    pub retry_named: &'static str,
    /// Delete
    pub delete: &'static str,
    /// Delete the webhook to {url}
    pub delete_named: &'static str,
    /// Delete the webhook to {url}? Pronto stops posting to it.
    pub confirm_delete: &'static str,
    /// Add a webhook
    pub add: &'static str,
    /// URL
    pub url: &'static str,
    /// An https URL that answers with a 2xx status.
    pub url_hint: &'static str,
    /// Events to send
    pub kinds: &'static str,
    /// Add the webhook
    pub create: &'static str,
    /// Your webhook's signing secret
    pub created_title: &'static str,
    /// Copy it now: it is shown only this once. Check each request's X-Pronto-Signature-256 with it.
    pub created_hint: &'static str,
    /// Signing secret
    pub secret: &'static str,
}

/// In English.
pub const EN: Webhooks = Webhooks {
    title: "Outgoing webhooks",
    intro: "Pronto posts the events you choose to your URL, signed with X-Pronto-Signature-256. A failed delivery is tried again; after repeated failures the webhook stops until you deliver again.",
    empty: "No outgoing webhook yet.",
    delivering: "Delivering",
    failing: "Stopped after repeated failures",
    attempts: "{n} failed attempts at the next event",
    next_attempt: "Next attempt:",
    last_error: "Last error: {error}",
    delivered_up_to: "Delivered up to event {n}",
    events: "Events:",
    retry: "Deliver now",
    retry_named: "Deliver now to {url}",
    delete: "Delete",
    delete_named: "Delete the webhook to {url}",
    confirm_delete: "Delete the webhook to {url}? Pronto stops posting to it.",
    add: "Add a webhook",
    url: "URL",
    url_hint: "An https URL that answers with a 2xx status.",
    kinds: "Events to send",
    create: "Add the webhook",
    created_title: "Your webhook's signing secret",
    created_hint: "Copy it now: it is shown only this once. Check each request's X-Pronto-Signature-256 with it.",
    secret: "Signing secret",
};

/// En français.
pub const FR: Webhooks = Webhooks {
    title: "Webhooks sortants",
    intro: "Pronto envoie les événements choisis à votre URL, signés avec X-Pronto-Signature-256. Une livraison échouée est retentée ; après des échecs répétés le webhook s'arrête jusqu'à ce que vous relanciez.",
    empty: "Aucun webhook sortant pour l'instant.",
    delivering: "En service",
    failing: "Arrêté après des échecs répétés",
    attempts: "{n} tentatives échouées pour le prochain événement",
    next_attempt: "Prochaine tentative :",
    last_error: "Dernière erreur : {error}",
    delivered_up_to: "Livré jusqu'à l'événement {n}",
    events: "Événements :",
    retry: "Livrer maintenant",
    retry_named: "Livrer maintenant à {url}",
    delete: "Supprimer",
    delete_named: "Supprimer le webhook vers {url}",
    confirm_delete: "Supprimer le webhook vers {url} ? Pronto cesse d'y envoyer.",
    add: "Ajouter un webhook",
    url: "URL",
    url_hint: "Une URL https qui répond avec un statut 2xx.",
    kinds: "Événements à envoyer",
    create: "Ajouter le webhook",
    created_title: "Le secret de signature de votre webhook",
    created_hint: "Copiez-le maintenant : il n'est montré qu'une fois. Vérifiez avec lui le X-Pronto-Signature-256 de chaque requête.",
    secret: "Secret de signature",
};

/// In italiano.
pub const IT: Webhooks = Webhooks {
    title: "Webhook in uscita",
    intro: "Pronto invia gli eventi scelti al tuo URL, firmati con X-Pronto-Signature-256. Un invio fallito viene ritentato; dopo fallimenti ripetuti il webhook si ferma finché non lo riavvii.",
    empty: "Ancora nessun webhook in uscita.",
    delivering: "Attivo",
    failing: "Fermato dopo fallimenti ripetuti",
    attempts: "{n} tentativi falliti per il prossimo evento",
    next_attempt: "Prossimo tentativo:",
    last_error: "Ultimo errore: {error}",
    delivered_up_to: "Consegnato fino all'evento {n}",
    events: "Eventi:",
    retry: "Consegna ora",
    retry_named: "Consegna ora a {url}",
    delete: "Elimina",
    delete_named: "Elimina il webhook verso {url}",
    confirm_delete: "Eliminare il webhook verso {url}? Pronto smette di inviarvi.",
    add: "Aggiungi un webhook",
    url: "URL",
    url_hint: "Un URL https che risponde con uno stato 2xx.",
    kinds: "Eventi da inviare",
    create: "Aggiungi il webhook",
    created_title: "Il segreto di firma del tuo webhook",
    created_hint: "Copialo ora: è mostrato solo questa volta. Verifica con esso l'X-Pronto-Signature-256 di ogni richiesta.",
    secret: "Segreto di firma",
};
