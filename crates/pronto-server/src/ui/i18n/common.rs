//! Texts every page shares.

use serde::Serialize;

/// Texts every page shares, in one language.
#[derive(Serialize)]
pub struct Common {
    /// Pronto
    pub app_name: &'static str,
    /// Main menu
    pub nav_label: &'static str,
    /// Inbox
    pub nav_inbox: &'static str,
    /// Responsiveness
    pub nav_dashboard: &'static str,
    /// Settings
    pub nav_settings: &'static str,
    /// Sign out
    pub sign_out: &'static str,
    /// Sign in to Pronto
    pub sign_in_title: &'static str,
    /// Email
    pub email: &'static str,
    /// Password
    pub password: &'static str,
    /// Sign in
    pub sign_in: &'static str,
    /// Signing in…
    pub signing_in: &'static str,
    /// Language
    pub language: &'static str,
    /// Save
    pub save: &'static str,
    /// Cancel
    pub cancel: &'static str,
    /// Close
    pub close: &'static str,
    /// Delete
    pub delete: &'static str,
    /// Loading…
    pub loading: &'static str,
    /// Connection lost. Reconnecting…
    pub offline: &'static str,
    /// Connected again; the page is up to date.
    pub online: &'static str,
    /// Something went wrong: {message}
    pub error: &'static str,
    /// Not found
    pub not_found: &'static str,
    /// {n} s
    pub seconds: &'static str,
    /// {n} min
    pub minutes: &'static str,
    /// {n} h
    pub hours: &'static str,
    /// {n} d
    pub days: &'static str,
    /// just now
    pub just_now: &'static str,
    /// {time} ago
    pub ago: &'static str,
    /// Keyboard shortcuts
    pub help_title: &'static str,
    /// Show keyboard shortcuts
    pub help_open: &'static str,
    /// Next conversation
    pub key_next: &'static str,
    /// Previous conversation
    pub key_previous: &'static str,
    /// Write a reply
    pub key_reply: &'static str,
    /// Move to done
    pub key_done: &'static str,
    /// Saved replies
    pub key_saved: &'static str,
    /// This help
    pub key_help: &'static str,
    /// Leave the composer or close a dialog
    pub key_escape: &'static str,
    /// Skip to content
    pub skip_to_content: &'static str,
    /// Admin
    pub role_admin: &'static str,
    /// Agent
    pub role_agent: &'static str,
    /// Channel
    pub channel: &'static str,
    /// All channels
    pub all_channels: &'static str,
    /// Welcome to Pronto
    pub setup_title: &'static str,
    /// Create the first admin of this Pronto. This link works once.
    pub setup_intro: &'static str,
    /// Your name
    pub your_name: &'static str,
    /// Password (at least 10 characters)
    pub password_rule: &'static str,
    /// Create the admin
    pub create_admin: &'static str,
    /// Done. You can now sign in as {email}.
    pub setup_done: &'static str,
    /// Sign in
    pub go_sign_in: &'static str,
    /// Show
    pub apply: &'static str,
    /// Wrong email or password.
    pub err_bad_credentials: &'static str,
    /// Too many failed tries: wait 15 minutes and try again.
    pub err_rate_limited: &'static str,
    /// Only an admin can do this.
    pub err_forbidden: &'static str,
    /// The server failed; try again in a moment.
    pub err_internal: &'static str,
    /// This comment already has its private reply.
    pub err_private_reply_used: &'static str,
    /// Too late for a private reply: the 7 days are over.
    pub err_private_reply_expired: &'static str,
}

/// In English.
pub const EN: Common = Common {
    app_name: "Pronto",
    nav_label: "Main menu",
    nav_inbox: "Inbox",
    nav_dashboard: "Responsiveness",
    nav_settings: "Settings",
    sign_out: "Sign out",
    sign_in_title: "Sign in to Pronto",
    email: "Email",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    language: "Language",
    save: "Save",
    cancel: "Cancel",
    close: "Close",
    delete: "Delete",
    loading: "Loading…",
    offline: "Connection lost. Reconnecting…",
    online: "Connected again; the page is up to date.",
    error: "Something went wrong: {message}",
    not_found: "Not found",
    seconds: "{n} s",
    minutes: "{n} min",
    hours: "{n} h",
    days: "{n} d",
    just_now: "just now",
    ago: "{time} ago",
    help_title: "Keyboard shortcuts",
    help_open: "Show keyboard shortcuts",
    key_next: "Next conversation",
    key_previous: "Previous conversation",
    key_reply: "Write a reply",
    key_done: "Move to done",
    key_saved: "Saved replies",
    key_help: "This help",
    key_escape: "Leave the composer or close a dialog",
    skip_to_content: "Skip to content",
    role_admin: "Admin",
    role_agent: "Agent",
    channel: "Channel",
    all_channels: "All channels",
    setup_title: "Welcome to Pronto",
    setup_intro: "Create the first admin of this Pronto. This link works once.",
    your_name: "Your name",
    password_rule: "Password (at least 10 characters)",
    create_admin: "Create the admin",
    setup_done: "Done. You can now sign in as {email}.",
    go_sign_in: "Sign in",
    apply: "Show",
    err_bad_credentials: "Wrong email or password.",
    err_rate_limited: "Too many failed tries: wait 15 minutes and try again.",
    err_forbidden: "Only an admin can do this.",
    err_internal: "The server failed; try again in a moment.",
    err_private_reply_used: "This comment already has its private reply.",
    err_private_reply_expired: "Too late for a private reply: the 7 days are over.",
};

/// In French.
pub const FR: Common = Common {
    app_name: "Pronto",
    nav_label: "Menu principal",
    nav_inbox: "Boîte de réception",
    nav_dashboard: "Réactivité",
    nav_settings: "Paramètres",
    sign_out: "Se déconnecter",
    sign_in_title: "Connexion à Pronto",
    email: "E-mail",
    password: "Mot de passe",
    sign_in: "Se connecter",
    signing_in: "Connexion…",
    language: "Langue",
    save: "Enregistrer",
    cancel: "Annuler",
    close: "Fermer",
    delete: "Supprimer",
    loading: "Chargement…",
    offline: "Connexion perdue. Reconnexion…",
    online: "Reconnecté ; la page est à jour.",
    error: "Un problème est survenu : {message}",
    not_found: "Introuvable",
    seconds: "{n} s",
    minutes: "{n} min",
    hours: "{n} h",
    days: "{n} j",
    just_now: "à l'instant",
    ago: "il y a {time}",
    help_title: "Raccourcis clavier",
    help_open: "Afficher les raccourcis clavier",
    key_next: "Conversation suivante",
    key_previous: "Conversation précédente",
    key_reply: "Écrire une réponse",
    key_done: "Marquer comme traitée",
    key_saved: "Réponses enregistrées",
    key_help: "Cette aide",
    key_escape: "Quitter la zone de saisie ou fermer une fenêtre",
    skip_to_content: "Aller au contenu",
    role_admin: "Administrateur",
    role_agent: "Agent",
    channel: "Canal",
    all_channels: "Tous les canaux",
    setup_title: "Bienvenue dans Pronto",
    setup_intro: "Créez le premier administrateur de ce Pronto. Ce lien ne sert qu'une fois.",
    your_name: "Votre nom",
    password_rule: "Mot de passe (au moins 10 caractères)",
    create_admin: "Créer l'administrateur",
    setup_done: "C'est fait. Vous pouvez maintenant vous connecter en tant que {email}.",
    go_sign_in: "Se connecter",
    apply: "Afficher",
    err_bad_credentials: "E-mail ou mot de passe incorrect.",
    err_rate_limited: "Trop d'essais manqués : attendez 15 minutes et réessayez.",
    err_forbidden: "Seul un administrateur peut faire cela.",
    err_internal: "Le serveur a échoué ; réessayez dans un instant.",
    err_private_reply_used: "Ce commentaire a déjà sa réponse privée.",
    err_private_reply_expired: "Trop tard pour une réponse privée : les 7 jours sont passés.",
};

/// In Italian.
pub const IT: Common = Common {
    app_name: "Pronto",
    nav_label: "Menu principale",
    nav_inbox: "Posta in arrivo",
    nav_dashboard: "Reattività",
    nav_settings: "Impostazioni",
    sign_out: "Esci",
    sign_in_title: "Accedi a Pronto",
    email: "Email",
    password: "Password",
    sign_in: "Accedi",
    signing_in: "Accesso in corso…",
    language: "Lingua",
    save: "Salva",
    cancel: "Annulla",
    close: "Chiudi",
    delete: "Elimina",
    loading: "Caricamento…",
    offline: "Connessione persa. Riconnessione…",
    online: "Di nuovo connesso; la pagina è aggiornata.",
    error: "Qualcosa è andato storto: {message}",
    not_found: "Non trovato",
    seconds: "{n} s",
    minutes: "{n} min",
    hours: "{n} h",
    days: "{n} g",
    just_now: "adesso",
    ago: "{time} fa",
    help_title: "Scorciatoie da tastiera",
    help_open: "Mostra le scorciatoie da tastiera",
    key_next: "Conversazione successiva",
    key_previous: "Conversazione precedente",
    key_reply: "Scrivi una risposta",
    key_done: "Segna come completata",
    key_saved: "Risposte salvate",
    key_help: "Questo aiuto",
    key_escape: "Esci dall'editor o chiudi una finestra",
    skip_to_content: "Vai al contenuto",
    role_admin: "Amministratore",
    role_agent: "Agente",
    channel: "Canale",
    all_channels: "Tutti i canali",
    setup_title: "Benvenuto in Pronto",
    setup_intro: "Crea il primo amministratore di questo Pronto. Questo link funziona una volta sola.",
    your_name: "Il tuo nome",
    password_rule: "Password (almeno 10 caratteri)",
    create_admin: "Crea l'amministratore",
    setup_done: "Fatto. Ora puoi accedere come {email}.",
    go_sign_in: "Accedi",
    apply: "Mostra",
    err_bad_credentials: "Email o password errata.",
    err_rate_limited: "Troppi tentativi falliti: attendi 15 minuti e riprova.",
    err_forbidden: "Solo un amministratore può farlo.",
    err_internal: "Il server non è riuscito; riprova tra poco.",
    err_private_reply_used: "Questo commento ha già la sua risposta privata.",
    err_private_reply_expired: "Troppo tardi per una risposta privata: i 7 giorni sono finiti.",
};
