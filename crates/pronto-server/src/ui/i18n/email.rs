//! Texts of the email channel: its settings (the create form, "test connection"),
//! the composer's subject and the whole mail under a message.

use serde::Serialize;

/// Texts of the email channel, in one language.
#[derive(Serialize)]
pub struct Email {
    /// Email
    pub kind_email: &'static str,
    /// Email (a support mailbox over IMAP and SMTP)
    pub kind_email_long: &'static str,
    /// Your support mailbox
    pub legend: &'static str,
    /// Support address
    pub address: &'static str,
    /// Reading (IMAP)
    pub imap_legend: &'static str,
    /// Sending (SMTP submission)
    pub smtp_legend: &'static str,
    /// Server
    pub host: &'static str,
    /// Port
    pub port: &'static str,
    /// Security
    pub tls: &'static str,
    /// TLS (993, 465)
    pub tls_implicit: &'static str,
    /// STARTTLS (143, 587)
    pub tls_starttls: &'static str,
    /// None (same machine only)
    pub tls_none: &'static str,
    /// User name
    pub user: &'static str,
    /// Password
    pub password: &'static str,
    /// Folder
    pub folder: &'static str,
    /// Mark mail read on the server once Pronto has it
    pub mark_seen: &'static str,
    /// Passwords are stored encrypted. Mail stays on the server.
    pub hint: &'static str,
    /// Reads {folder} of {user} on {host}
    pub reads: &'static str,
    /// Last read
    pub last_read: &'static str,
    /// New mail comes at once (IDLE)
    pub idle: &'static str,
    /// Read every minute
    pub polling: &'static str,
    /// The last read failed
    pub read_failed: &'static str,
    /// Test connection
    pub test: &'static str,
    /// {server}: connected
    pub test_ok: &'static str,
    /// {server}: {error}
    pub test_failed: &'static str,
    /// Subject
    pub subject: &'static str,
    /// Empty: Re: and the customer's subject
    pub subject_hint: &'static str,
    /// Show the whole email
    pub full_email: &'static str,
    /// Download the original
    pub download_email: &'static str,
    /// The email as sent, with its images
    pub as_sent: &'static str,
    /// Continue by email
    pub move_legend: &'static str,
    /// Sends the text above as an email to {address}...
    pub move_hint: &'static str,
    /// Email subject
    pub move_subject: &'static str,
    /// Send by email
    pub move_send: &'static str,
    /// Sent by email to {address}. Their answer lands in their email conversation.
    pub move_done: &'static str,
}

/// English.
pub const EN: Email = Email {
    kind_email: "Email",
    kind_email_long: "Email (a support mailbox over IMAP and SMTP)",
    legend: "Your support mailbox",
    address: "Support address",
    imap_legend: "Reading (IMAP)",
    smtp_legend: "Sending (SMTP submission)",
    host: "Server",
    port: "Port",
    tls: "Security",
    tls_implicit: "TLS (993, 465)",
    tls_starttls: "STARTTLS (143, 587)",
    tls_none: "None (same machine only)",
    user: "User name",
    password: "Password",
    folder: "Folder",
    mark_seen: "Mark mail read on the server once Pronto has it",
    hint: "Passwords are stored encrypted. Mail stays on the server.",
    reads: "Reads {folder} of {user} on {host}",
    last_read: "Last read",
    idle: "new mail comes at once (IDLE)",
    polling: "read every minute",
    read_failed: "The last read failed",
    test: "Test connection",
    test_ok: "{server}: connected",
    test_failed: "{server}: {error}",
    subject: "Subject",
    subject_hint: "Empty: Re: and the customer's subject",
    full_email: "Show the whole email",
    download_email: "Download the original",
    as_sent: "The email as sent, with its images",
    move_legend: "Continue by email",
    move_hint: "Sends the text above as an email to {address}, from the email channel; the answer lands in the same contact's email conversation.",
    move_subject: "Email subject",
    move_send: "Send by email",
    move_done: "Sent by email to {address}. The answer will land in the contact's email conversation.",
};

/// French.
pub const FR: Email = Email {
    kind_email: "E-mail",
    kind_email_long: "E-mail (une boîte de support par IMAP et SMTP)",
    legend: "Votre boîte de support",
    address: "Adresse de support",
    imap_legend: "Lecture (IMAP)",
    smtp_legend: "Envoi (soumission SMTP)",
    host: "Serveur",
    port: "Port",
    tls: "Sécurité",
    tls_implicit: "TLS (993, 465)",
    tls_starttls: "STARTTLS (143, 587)",
    tls_none: "Aucune (même machine seulement)",
    user: "Identifiant",
    password: "Mot de passe",
    folder: "Dossier",
    mark_seen: "Marquer les e-mails comme lus sur le serveur une fois reçus",
    hint: "Les mots de passe sont chiffrés. Les e-mails restent sur le serveur.",
    reads: "Lit {folder} de {user} sur {host}",
    last_read: "Dernière lecture",
    idle: "les nouveaux e-mails arrivent aussitôt (IDLE)",
    polling: "lue chaque minute",
    read_failed: "La dernière lecture a échoué",
    test: "Tester la connexion",
    test_ok: "{server} : connecté",
    test_failed: "{server} : {error}",
    subject: "Objet",
    subject_hint: "Vide : Re: et l'objet du client",
    full_email: "Afficher l'e-mail complet",
    download_email: "Télécharger l'original",
    as_sent: "L'e-mail tel qu'il a été envoyé, avec ses images",
    move_legend: "Continuer par e-mail",
    move_hint: "Envoie le texte ci-dessus par e-mail à {address}, depuis le canal e-mail ; la réponse arrive dans la conversation e-mail du même contact.",
    move_subject: "Objet de l'e-mail",
    move_send: "Envoyer par e-mail",
    move_done: "Envoyé par e-mail à {address}. La réponse arrivera dans la conversation e-mail du contact.",
};

/// Italian.
pub const IT: Email = Email {
    kind_email: "Email",
    kind_email_long: "Email (una casella di assistenza via IMAP e SMTP)",
    legend: "La vostra casella di assistenza",
    address: "Indirizzo di assistenza",
    imap_legend: "Lettura (IMAP)",
    smtp_legend: "Invio (invio SMTP)",
    host: "Server",
    port: "Porta",
    tls: "Sicurezza",
    tls_implicit: "TLS (993, 465)",
    tls_starttls: "STARTTLS (143, 587)",
    tls_none: "Nessuna (solo stessa macchina)",
    user: "Nome utente",
    password: "Password",
    folder: "Cartella",
    mark_seen: "Segna le email come lette sul server una volta ricevute",
    hint: "Le password sono cifrate. Le email restano sul server.",
    reads: "Legge {folder} di {user} su {host}",
    last_read: "Ultima lettura",
    idle: "le nuove email arrivano subito (IDLE)",
    polling: "letta ogni minuto",
    read_failed: "L'ultima lettura non è riuscita",
    test: "Prova la connessione",
    test_ok: "{server}: connesso",
    test_failed: "{server}: {error}",
    subject: "Oggetto",
    subject_hint: "Vuoto: Re: e l'oggetto del cliente",
    full_email: "Mostra l'email completa",
    download_email: "Scarica l'originale",
    as_sent: "L'email come è stata inviata, con le sue immagini",
    move_legend: "Continua via email",
    move_hint: "Invia il testo qui sopra come email a {address}, dal canale email; la risposta arriva nella conversazione email dello stesso contatto.",
    move_subject: "Oggetto dell'email",
    move_send: "Invia via email",
    move_done: "Inviato via email a {address}. La risposta arriverà nella conversazione email del contatto.",
};
