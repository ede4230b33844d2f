//! Texts of the admins' settings.

use serde::Serialize;

/// Texts of the admins' settings, in one language.
#[derive(Serialize)]
pub struct Settings {
    /// Settings
    pub title: &'static str,
    /// Settings sections
    pub sections_label: &'static str,
    /// Only an admin of the workspace can see and change the settings. Ask an admin if something needs changing.
    pub admins_only: &'static str,
    /// Back to the inbox
    pub back_to_inbox: &'static str,
    /// Copy
    pub copy: &'static str,
    /// Copy the {what}
    pub copy_named: &'static str,
    /// Copied to the clipboard.
    pub copied: &'static str,
    /// Copying failed: select the text and copy it yourself.
    pub copy_failed: &'static str,
    /// Done, hide this
    pub done: &'static str,
    /// Saved.
    pub saved: &'static str,
    /// Active
    pub active: &'static str,
    /// you
    pub you: &'static str,
    /// Email
    pub email: &'static str,
    /// Role
    pub role: &'static str,
    /// Admin
    pub role_admin: &'static str,
    /// Agent
    pub role_agent: &'static str,
    /// Edit
    pub edit: &'static str,
    /// Edit {name}
    pub edit_named: &'static str,
    /// Delete {name}
    pub delete_named: &'static str,
    /// Channels
    pub channels_title: &'static str,
    /// Where customers write to you: Messenger Pages, Instagram accounts, and your own apps through the API.
    pub channels_intro: &'static str,
    /// No channel yet. Connect one below.
    pub channels_empty: &'static str,
    /// Messenger
    pub kind_messenger: &'static str,
    /// Instagram
    pub kind_instagram: &'static str,
    /// API
    pub kind_api: &'static str,
    /// Other channel
    pub kind_other: &'static str,
    /// Messenger (a Facebook Page)
    pub kind_messenger_page: &'static str,
    /// Instagram (through its Facebook Page)
    pub kind_instagram_page: &'static str,
    /// Instagram (with Instagram login, no Page)
    pub kind_instagram_login: &'static str,
    /// API (your website or app)
    pub kind_api_long: &'static str,
    /// Page or account ID
    pub page_or_account_id: &'static str,
    /// Receiving messages
    pub state_receiving: &'static str,
    /// Needs a new token: Meta refused the access token, so replies cannot be sent.
    pub state_needs_token: &'static str,
    /// State: {state}
    pub state_other: &'static str,
    /// Make a new Page access token in Meta's app dashboard and paste it here; sending resumes at once.
    pub needs_token_help: &'static str,
    /// New access token
    pub new_token: &'static str,
    /// Save the token
    pub save_token: &'static str,
    /// The new token is saved; the channel is receiving again.
    pub token_saved: &'static str,
    /// Webhook settings for Meta
    pub webhook_settings: &'static str,
    /// Paste these in Meta's dashboard (Webhooks): the callback URL and the verify token, then subscribe to the messages field.
    pub paste_in_meta: &'static str,
    /// Callback URL
    pub callback_url: &'static str,
    /// Verify token
    pub verify_token: &'static str,
    /// Replies are delivered to
    pub api_delivers_to: &'static str,
    /// Connect a channel
    pub channel_add: &'static str,
    /// Kind of channel
    pub channel_kind: &'static str,
    /// Name shown to your team
    pub channel_name: &'static str,
    /// The Facebook Page
    pub page_legend: &'static str,
    /// Page ID
    pub page_id: &'static str,
    /// Page access token
    pub page_access_token: &'static str,
    /// The Instagram account
    pub instagram_legend: &'static str,
    /// Instagram account ID
    pub account_id: &'static str,
    /// Instagram access token
    pub access_token: &'static str,
    /// The Meta app
    pub app_legend: &'static str,
    /// App ID
    pub app_id: &'static str,
    /// App secret
    pub app_secret: &'static str,
    /// Use the Human Agent tag, so people can answer up to 7 days after the customer's last message
    pub human_agent: &'static str,
    /// Mark messages as seen when an agent opens the conversation
    pub mark_seen: &'static str,
    /// You find these in Meta's app dashboard. Secrets are stored encrypted and never shown again.
    pub meta_hint: &'static str,
    /// WhatsApp
    pub kind_whatsapp: &'static str,
    /// WhatsApp (a business number, Cloud API)
    pub kind_whatsapp_long: &'static str,
    /// The WhatsApp number
    pub whatsapp_legend: &'static str,
    /// Phone number ID
    pub phone_number_id: &'static str,
    /// WhatsApp Business Account ID
    pub waba_id: &'static str,
    /// Access token (a system user's)
    pub whatsapp_token: &'static str,
    /// Send read receipts when an agent opens the conversation
    pub mark_read: &'static str,
    /// Needs an admin: WhatsApp stopped the account (locked, restricted or blocked)...
    pub state_needs_attention: &'static str,
    /// Templates: {count}
    pub templates_count: &'static str,
    /// This month ({month}), as WhatsApp prices messages:
    pub costs_title: &'static str,
    /// {billable} billable, {free} free
    pub costs_total: &'static str,
    /// {category}: {billable} billable, {free} free ({fep} in a free entry point)
    pub costs_category: &'static str,
    /// No priced messages this month yet.
    pub costs_none: &'static str,
    /// Synchronize the templates
    pub templates_sync: &'static str,
    /// Last webhook
    pub last_webhook: &'static str,
    /// Last reply sent
    pub last_send: &'static str,
    /// Your app
    pub api_legend: &'static str,
    /// Reply URL
    pub api_url: &'static str,
    /// The http(s) address where Pronto delivers your team's replies as signed webhooks.
    pub api_url_hint: &'static str,
    /// Connect the channel
    pub channel_create: &'static str,
    /// The channel is connected
    pub channel_created_title: &'static str,
    /// Signing secret
    pub signing_secret: &'static str,
    /// Your app checks each reply's signature with this secret. Copy it now: it is shown only this once.
    pub signing_secret_hint: &'static str,
    /// Web chat
    pub kind_webchat: &'static str,
    /// Web chat (a widget on your website)
    pub kind_webchat_long: &'static str,
    /// Your website
    pub webchat_legend: &'static str,
    /// Allowed sites
    pub webchat_origins: &'static str,
    /// One origin per line, such as https://www.example.com: the widget works only on these sites.
    pub webchat_origins_hint: &'static str,
    /// Colour
    pub webchat_color: &'static str,
    /// Name shown to visitors
    pub webchat_business_name: &'static str,
    /// Greeting
    pub webchat_greeting: &'static str,
    /// Ask for the visitor's name and email before the first message
    pub webchat_prechat: &'static str,
    /// Snippet
    pub webchat_snippet: &'static str,
    /// Paste this into your site's pages, before </body>.
    pub webchat_snippet_hint: &'static str,
    /// Identity secret
    pub identity_secret: &'static str,
    /// Your site signs its signed-in customers' ids with this secret (HMAC-SHA256, hex) for Pronto.identify. Copy it now: it is shown only this once.
    pub identity_secret_hint: &'static str,
    /// Users
    pub users_title: &'static str,
    /// The people of your team. Agents answer conversations; admins also change these settings.
    pub users_intro: &'static str,
    /// Deactivated
    pub deactivated: &'static str,
    /// Deactivate
    pub deactivate: &'static str,
    /// Deactivate {name}
    pub deactivate_named: &'static str,
    /// Deactivate {name}? They are signed out and can no longer sign in.
    pub confirm_deactivate: &'static str,
    /// Reactivate
    pub reactivate: &'static str,
    /// Reactivate {name}
    pub reactivate_named: &'static str,
    /// Role of {name}
    pub role_of: &'static str,
    /// Invite a person
    pub user_invite: &'static str,
    /// Name
    pub user_name: &'static str,
    /// Password (optional)
    pub password_optional: &'static str,
    /// At least 10 characters. Leave it empty and Pronto makes a temporary password for you to pass on.
    pub password_hint: &'static str,
    /// Invite
    pub user_invite_button: &'static str,
    /// The person can sign in now
    pub user_created_title: &'static str,
    /// Send them these sign-in details in a safe way. The password is shown only this once.
    pub user_created_hint: &'static str,
    /// Password
    pub temporary_password: &'static str,
    /// Saved replies
    pub replies_title: &'static str,
    /// Texts your team inserts by typing / and the shortcut in the composer.
    pub replies_intro: &'static str,
    /// No saved reply yet.
    pub replies_empty: &'static str,
    /// Preview
    pub preview: &'static str,
    /// Preview for a customer named {customer}
    pub preview_for: &'static str,
    /// Delete the saved reply {name}?
    pub confirm_delete_reply: &'static str,
    /// Add a saved reply
    pub reply_add: &'static str,
    /// Edit the saved reply
    pub reply_edit: &'static str,
    /// Name
    pub reply_name: &'static str,
    /// Shortcut
    pub shortcut: &'static str,
    /// 1 to 32 letters, digits, - or _, typed after / in the composer.
    pub shortcut_hint: &'static str,
    /// Text
    pub reply_text: &'static str,
    /// File
    pub reply_file: &'static str,
    /// Attach a file
    pub reply_file_choose: &'static str,
    /// Sent with the text when the reply is inserted; checked against the channel below.
    pub reply_file_hint: &'static str,
    /// Checked for the channel
    pub reply_file_channel: &'static str,
    /// Remove the file
    pub reply_file_remove: &'static str,
    /// Now: {name}
    pub reply_file_current: &'static str,
    /// The text may use these variables, filled in for each conversation:
    pub variables_help: &'static str,
    /// the customer's first name
    pub var_first_name: &'static str,
    /// the customer's full name
    pub var_name: &'static str,
    /// the name of the agent who sends it
    pub var_agent_name: &'static str,
    /// API tokens
    pub tokens_title: &'static str,
    /// Keys for programs that call Pronto's API. Each acts with the role it was given.
    pub tokens_intro: &'static str,
    /// No API token yet.
    pub tokens_empty: &'static str,
    /// Created
    pub created: &'static str,
    /// last used
    pub last_used: &'static str,
    /// never
    pub never: &'static str,
    /// Revoked
    pub revoked: &'static str,
    /// Revoke
    pub revoke: &'static str,
    /// Revoke {name}
    pub revoke_named: &'static str,
    /// Revoke the token {name}? Programs using it stop working at once.
    pub confirm_revoke: &'static str,
    /// Make a token
    pub token_add: &'static str,
    /// Token name
    pub token_name: &'static str,
    /// What uses it, for instance "CRM sync".
    pub token_name_hint: &'static str,
    /// Make the token
    pub token_create: &'static str,
    /// Your new token
    pub token_created_title: &'static str,
    /// Copy it now: it is shown only this once. Programs send it in the header Authorization: Bearer followed by the token.
    pub token_created_hint: &'static str,
    /// Token
    pub token_secret: &'static str,
}

/// In English.
pub const EN: Settings = Settings {
    title: "Settings",
    sections_label: "Settings sections",
    admins_only: "Only an admin of the workspace can see and change the settings. Ask an admin if something needs changing.",
    back_to_inbox: "Back to the inbox",
    copy: "Copy",
    copy_named: "Copy the {what}",
    copied: "Copied to the clipboard.",
    copy_failed: "Copying failed: select the text and copy it yourself.",
    done: "Done, hide this",
    saved: "Saved.",
    active: "Active",
    you: "you",
    email: "Email",
    role: "Role",
    role_admin: "Admin",
    role_agent: "Agent",
    edit: "Edit",
    edit_named: "Edit {name}",
    delete_named: "Delete {name}",
    channels_title: "Channels",
    channels_intro: "Where customers write to you: Messenger Pages, Instagram accounts, and your own apps through the API.",
    channels_empty: "No channel yet. Connect one below.",
    kind_messenger: "Messenger",
    kind_instagram: "Instagram",
    kind_api: "API",
    kind_other: "Other channel",
    kind_messenger_page: "Messenger (a Facebook Page)",
    kind_instagram_page: "Instagram (through its Facebook Page)",
    kind_instagram_login: "Instagram (with Instagram login, no Page)",
    kind_api_long: "API (your website or app)",
    page_or_account_id: "Page or account ID",
    state_receiving: "Receiving messages",
    state_needs_token: "Needs a new token: Meta refused the access token, so replies cannot be sent.",
    state_other: "State: {state}",
    needs_token_help: "Make a new Page access token in Meta's app dashboard and paste it here; sending resumes at once.",
    new_token: "New access token",
    save_token: "Save the token",
    token_saved: "The new token is saved; the channel is receiving again.",
    webhook_settings: "Webhook settings for Meta",
    paste_in_meta: "Paste these in Meta's dashboard (Webhooks): the callback URL and the verify token, then subscribe to the messages field.",
    callback_url: "Callback URL",
    verify_token: "Verify token",
    api_delivers_to: "Replies are delivered to",
    channel_add: "Connect a channel",
    channel_kind: "Kind of channel",
    channel_name: "Name shown to your team",
    page_legend: "The Facebook Page",
    page_id: "Page ID",
    page_access_token: "Page access token",
    instagram_legend: "The Instagram account",
    account_id: "Instagram account ID",
    access_token: "Instagram access token",
    app_legend: "The Meta app",
    app_id: "App ID",
    app_secret: "App secret",
    human_agent: "Use the Human Agent tag, so people can answer up to 7 days after the customer's last message",
    mark_seen: "Mark messages as seen when an agent opens the conversation",
    meta_hint: "You find these in Meta's app dashboard. Secrets are stored encrypted and never shown again.",
    kind_whatsapp: "WhatsApp",
    kind_whatsapp_long: "WhatsApp (a business number, Cloud API)",
    whatsapp_legend: "The WhatsApp number",
    phone_number_id: "Phone number ID",
    waba_id: "WhatsApp Business Account ID",
    whatsapp_token: "Access token (a system user's)",
    mark_read: "Send read receipts when an agent opens the conversation",
    state_needs_attention: "Needs an admin: WhatsApp stopped the account (locked, restricted or blocked), so replies cannot be sent. See WhatsApp Manager.",
    templates_count: "Message templates: {count}",
    costs_title: "This month ({month}), as WhatsApp prices messages:",
    costs_total: "{billable} billable, {free} free",
    costs_category: "{category}: {billable} billable, {free} free ({fep} in a free entry point)",
    costs_none: "No priced messages this month yet.",
    templates_sync: "Synchronize the templates",
    last_webhook: "Last webhook",
    last_send: "Last reply sent",
    api_legend: "Your app",
    api_url: "Reply URL",
    api_url_hint: "The http(s) address where Pronto delivers your team's replies as signed webhooks.",
    channel_create: "Connect the channel",
    channel_created_title: "The channel is connected",
    signing_secret: "Signing secret",
    signing_secret_hint: "Your app checks each reply's signature with this secret. Copy it now: it is shown only this once.",
    kind_webchat: "Web chat",
    kind_webchat_long: "Web chat (a widget on your website)",
    webchat_legend: "Your website",
    webchat_origins: "Allowed sites",
    webchat_origins_hint: "One origin per line, such as https://www.example.com: the widget works only on these sites.",
    webchat_color: "Colour",
    webchat_business_name: "Name shown to visitors",
    webchat_greeting: "Greeting",
    webchat_prechat: "Ask for the visitor's name and email before the first message",
    webchat_snippet: "Snippet",
    webchat_snippet_hint: "Paste this into your site's pages, before </body>.",
    identity_secret: "Identity secret",
    identity_secret_hint: "Your site signs its signed-in customers' ids with this secret (HMAC-SHA256, hex) for Pronto.identify. Copy it now: it is shown only this once.",
    users_title: "Users",
    users_intro: "The people of your team. Agents answer conversations; admins also change these settings.",
    deactivated: "Deactivated",
    deactivate: "Deactivate",
    deactivate_named: "Deactivate {name}",
    confirm_deactivate: "Deactivate {name}? They are signed out and can no longer sign in.",
    reactivate: "Reactivate",
    reactivate_named: "Reactivate {name}",
    role_of: "Role of {name}",
    user_invite: "Invite a person",
    user_name: "Name",
    password_optional: "Password (optional)",
    password_hint: "At least 10 characters. Leave it empty and Pronto makes a temporary password for you to pass on.",
    user_invite_button: "Invite",
    user_created_title: "The person can sign in now",
    user_created_hint: "Send them these sign-in details in a safe way. The password is shown only this once.",
    temporary_password: "Password",
    replies_title: "Saved replies",
    replies_intro: "Texts your team inserts by typing / and the shortcut in the composer.",
    replies_empty: "No saved reply yet.",
    preview: "Preview",
    preview_for: "Preview for a customer named {customer}",
    confirm_delete_reply: "Delete the saved reply {name}?",
    reply_add: "Add a saved reply",
    reply_edit: "Edit the saved reply",
    reply_name: "Name",
    shortcut: "Shortcut",
    shortcut_hint: "1 to 32 letters, digits, - or _, typed after / in the composer.",
    reply_text: "Text",
    reply_file: "File",
    reply_file_choose: "Attach a file",
    reply_file_hint: "Offered with the text when the reply is inserted; checked against the limits of the channel below.",
    reply_file_channel: "Checked for the channel",
    reply_file_remove: "Remove the file",
    reply_file_current: "Now: {name}",
    variables_help: "The text may use these variables, filled in for each conversation:",
    var_first_name: "the customer's first name",
    var_name: "the customer's full name",
    var_agent_name: "the name of the agent who sends it",
    tokens_title: "API tokens",
    tokens_intro: "Keys for programs that call Pronto's API. Each acts with the role it was given.",
    tokens_empty: "No API token yet.",
    created: "Created",
    last_used: "last used",
    never: "never",
    revoked: "Revoked",
    revoke: "Revoke",
    revoke_named: "Revoke {name}",
    confirm_revoke: "Revoke the token {name}? Programs using it stop working at once.",
    token_add: "Make a token",
    token_name: "Token name",
    token_name_hint: "What uses it, for instance \"CRM sync\".",
    token_create: "Make the token",
    token_created_title: "Your new token",
    token_created_hint: "Copy it now: it is shown only this once. Programs send it in the header Authorization: Bearer followed by the token.",
    token_secret: "Token",
};

/// In French.
pub const FR: Settings = Settings {
    title: "Paramètres",
    sections_label: "Sections des paramètres",
    admins_only: "Seul un administrateur de l’espace de travail peut voir et modifier les paramètres. Demandez à un administrateur si quelque chose doit changer.",
    back_to_inbox: "Retour à la boîte de réception",
    copy: "Copier",
    copy_named: "Copier : {what}",
    copied: "Copié dans le presse-papiers.",
    copy_failed: "La copie a échoué : sélectionnez le texte et copiez-le vous-même.",
    done: "C’est fait, masquer",
    saved: "Enregistré.",
    active: "Actif",
    you: "vous",
    email: "E-mail",
    role: "Rôle",
    role_admin: "Administrateur",
    role_agent: "Agent",
    edit: "Modifier",
    edit_named: "Modifier {name}",
    delete_named: "Supprimer {name}",
    channels_title: "Canaux",
    channels_intro: "Là où les clients vous écrivent : Pages Messenger, comptes Instagram et vos propres applications via l’API.",
    channels_empty: "Aucun canal pour l’instant. Connectez-en un ci-dessous.",
    kind_messenger: "Messenger",
    kind_instagram: "Instagram",
    kind_api: "API",
    kind_other: "Autre canal",
    kind_messenger_page: "Messenger (une Page Facebook)",
    kind_instagram_page: "Instagram (via sa Page Facebook)",
    kind_instagram_login: "Instagram (connexion Instagram, sans Page)",
    kind_api_long: "API (votre site ou votre application)",
    page_or_account_id: "Identifiant de Page ou de compte",
    state_receiving: "Reçoit les messages",
    state_needs_token: "Nouveau jeton nécessaire : Meta a refusé le jeton d’accès, les réponses ne peuvent pas partir.",
    state_other: "État : {state}",
    needs_token_help: "Créez un nouveau jeton d’accès de Page dans le tableau de bord de l’application Meta et collez-le ici ; l’envoi reprend aussitôt.",
    new_token: "Nouveau jeton d’accès",
    save_token: "Enregistrer le jeton",
    token_saved: "Le nouveau jeton est enregistré ; le canal reçoit de nouveau.",
    webhook_settings: "Réglages du webhook pour Meta",
    paste_in_meta: "Collez-les dans le tableau de bord de Meta (Webhooks) : l’URL de rappel et le jeton de vérification, puis abonnez-vous au champ messages.",
    callback_url: "URL de rappel",
    verify_token: "Jeton de vérification",
    api_delivers_to: "Les réponses sont livrées à",
    channel_add: "Connecter un canal",
    channel_kind: "Type de canal",
    channel_name: "Nom affiché pour votre équipe",
    page_legend: "La Page Facebook",
    page_id: "Identifiant de la Page",
    page_access_token: "Jeton d’accès de la Page",
    instagram_legend: "Le compte Instagram",
    account_id: "Identifiant du compte Instagram",
    access_token: "Jeton d’accès Instagram",
    app_legend: "L’application Meta",
    app_id: "Identifiant de l’application",
    app_secret: "Clé secrète de l’application",
    human_agent: "Utiliser l’étiquette Human Agent, pour répondre jusqu’à 7 jours après le dernier message du client",
    mark_seen: "Marquer les messages comme vus quand un agent ouvre la conversation",
    meta_hint: "Vous les trouverez dans le tableau de bord de l’application Meta. Les secrets sont chiffrés et ne sont plus jamais affichés.",
    kind_whatsapp: "WhatsApp",
    kind_whatsapp_long: "WhatsApp (un numéro professionnel, Cloud API)",
    whatsapp_legend: "Le numéro WhatsApp",
    phone_number_id: "Identifiant du numéro",
    waba_id: "Identifiant du compte WhatsApp Business",
    whatsapp_token: "Jeton d’accès (d’un utilisateur système)",
    mark_read: "Envoyer les confirmations de lecture quand un agent ouvre la conversation",
    state_needs_attention: "Un administrateur doit intervenir : WhatsApp a arrêté le compte (verrouillé, restreint ou bloqué), les réponses ne peuvent pas partir. Voir WhatsApp Manager.",
    templates_count: "Modèles de message : {count}",
    costs_title: "Ce mois-ci ({month}), selon la tarification de WhatsApp :",
    costs_total: "{billable} facturables, {free} gratuits",
    costs_category: "{category} : {billable} facturables, {free} gratuits ({fep} dans un point d'entrée gratuit)",
    costs_none: "Aucun message tarifé ce mois-ci pour l'instant.",
    templates_sync: "Synchroniser les modèles",
    last_webhook: "Dernier webhook",
    last_send: "Dernière réponse envoyée",
    api_legend: "Votre application",
    api_url: "URL des réponses",
    api_url_hint: "L’adresse http(s) où Pronto livre les réponses de votre équipe en webhooks signés.",
    channel_create: "Connecter le canal",
    channel_created_title: "Le canal est connecté",
    signing_secret: "Secret de signature",
    signing_secret_hint: "Votre application vérifie la signature de chaque réponse avec ce secret. Copiez-le maintenant : il n’est affiché qu’une fois.",
    kind_webchat: "Chat du site",
    kind_webchat_long: "Chat du site (un widget sur votre site)",
    webchat_legend: "Votre site",
    webchat_origins: "Sites autorisés",
    webchat_origins_hint: "Une origine par ligne, comme https://www.example.com : le widget ne fonctionne que sur ces sites.",
    webchat_color: "Couleur",
    webchat_business_name: "Nom affiché aux visiteurs",
    webchat_greeting: "Message d’accueil",
    webchat_prechat: "Demander le nom et l’e-mail du visiteur avant le premier message",
    webchat_snippet: "Code à coller",
    webchat_snippet_hint: "Collez ceci dans les pages de votre site, avant </body>.",
    identity_secret: "Secret d’identité",
    identity_secret_hint: "Votre site signe les identifiants de ses clients connectés avec ce secret (HMAC-SHA256, hexadécimal) pour Pronto.identify. Copiez-le maintenant : il n’est affiché qu’une fois.",
    users_title: "Utilisateurs",
    users_intro: "Les personnes de votre équipe. Les agents répondent aux conversations ; les administrateurs modifient aussi ces paramètres.",
    deactivated: "Désactivé",
    deactivate: "Désactiver",
    deactivate_named: "Désactiver {name}",
    confirm_deactivate: "Désactiver {name} ? Cette personne est déconnectée et ne pourra plus se connecter.",
    reactivate: "Réactiver",
    reactivate_named: "Réactiver {name}",
    role_of: "Rôle de {name}",
    user_invite: "Inviter une personne",
    user_name: "Nom",
    password_optional: "Mot de passe (facultatif)",
    password_hint: "Au moins 10 caractères. Laissez vide et Pronto crée un mot de passe temporaire à transmettre.",
    user_invite_button: "Inviter",
    user_created_title: "La personne peut se connecter dès maintenant",
    user_created_hint: "Transmettez-lui ces identifiants de façon sûre. Le mot de passe n’est affiché qu’une fois.",
    temporary_password: "Mot de passe",
    replies_title: "Réponses enregistrées",
    replies_intro: "Des textes que votre équipe insère en tapant / et le raccourci dans l’éditeur.",
    replies_empty: "Aucune réponse enregistrée pour l’instant.",
    preview: "Aperçu",
    preview_for: "Aperçu pour un client nommé {customer}",
    confirm_delete_reply: "Supprimer la réponse enregistrée {name} ?",
    reply_add: "Ajouter une réponse enregistrée",
    reply_edit: "Modifier la réponse enregistrée",
    reply_name: "Nom",
    shortcut: "Raccourci",
    shortcut_hint: "De 1 à 32 lettres, chiffres, - ou _, tapés après / dans l’éditeur.",
    reply_text: "Texte",
    reply_file: "Fichier",
    reply_file_choose: "Joindre un fichier",
    reply_file_hint: "Proposé avec le texte quand la réponse est insérée ; vérifié selon les limites du canal ci-dessous.",
    reply_file_channel: "Vérifié pour le canal",
    reply_file_remove: "Retirer le fichier",
    reply_file_current: "Actuellement : {name}",
    variables_help: "Le texte peut contenir ces variables, remplies pour chaque conversation :",
    var_first_name: "le prénom du client",
    var_name: "le nom complet du client",
    var_agent_name: "le nom de l’agent qui l’envoie",
    tokens_title: "Jetons d’API",
    tokens_intro: "Des clés pour les programmes qui appellent l’API de Pronto. Chacune agit avec le rôle qui lui a été donné.",
    tokens_empty: "Aucun jeton d’API pour l’instant.",
    created: "Créé le",
    last_used: "dernière utilisation",
    never: "jamais",
    revoked: "Révoqué",
    revoke: "Révoquer",
    revoke_named: "Révoquer {name}",
    confirm_revoke: "Révoquer le jeton {name} ? Les programmes qui l’utilisent s’arrêtent aussitôt.",
    token_add: "Créer un jeton",
    token_name: "Nom du jeton",
    token_name_hint: "Ce qui l’utilise, par exemple « synchro CRM ».",
    token_create: "Créer le jeton",
    token_created_title: "Votre nouveau jeton",
    token_created_hint: "Copiez-le maintenant : il n’est affiché qu’une fois. Les programmes l’envoient dans l’en-tête Authorization: Bearer suivi du jeton.",
    token_secret: "Jeton",
};

/// In Italian.
pub const IT: Settings = Settings {
    title: "Impostazioni",
    sections_label: "Sezioni delle impostazioni",
    admins_only: "Solo un amministratore dello spazio di lavoro può vedere e modificare le impostazioni. Chiedi a un amministratore se qualcosa va cambiato.",
    back_to_inbox: "Torna alla posta in arrivo",
    copy: "Copia",
    copy_named: "Copia: {what}",
    copied: "Copiato negli appunti.",
    copy_failed: "Copia non riuscita: seleziona il testo e copialo tu.",
    done: "Fatto, nascondi",
    saved: "Salvato.",
    active: "Attivo",
    you: "tu",
    email: "Email",
    role: "Ruolo",
    role_admin: "Amministratore",
    role_agent: "Operatore",
    edit: "Modifica",
    edit_named: "Modifica {name}",
    delete_named: "Elimina {name}",
    channels_title: "Canali",
    channels_intro: "Dove i clienti ti scrivono: Pagine Messenger, account Instagram e le tue app tramite l’API.",
    channels_empty: "Ancora nessun canale. Collegane uno qui sotto.",
    kind_messenger: "Messenger",
    kind_instagram: "Instagram",
    kind_api: "API",
    kind_other: "Altro canale",
    kind_messenger_page: "Messenger (una Pagina Facebook)",
    kind_instagram_page: "Instagram (tramite la sua Pagina Facebook)",
    kind_instagram_login: "Instagram (accesso con Instagram, senza Pagina)",
    kind_api_long: "API (il tuo sito o la tua app)",
    page_or_account_id: "ID della Pagina o dell’account",
    state_receiving: "Riceve i messaggi",
    state_needs_token: "Serve un nuovo token: Meta ha rifiutato il token di accesso, quindi le risposte non possono partire.",
    state_other: "Stato: {state}",
    needs_token_help: "Crea un nuovo token di accesso della Pagina nella dashboard dell’app Meta e incollalo qui; l’invio riprende subito.",
    new_token: "Nuovo token di accesso",
    save_token: "Salva il token",
    token_saved: "Il nuovo token è salvato; il canale riceve di nuovo.",
    webhook_settings: "Impostazioni del webhook per Meta",
    paste_in_meta: "Incollali nella dashboard di Meta (Webhooks): l’URL di callback e il token di verifica, poi iscriviti al campo messages.",
    callback_url: "URL di callback",
    verify_token: "Token di verifica",
    api_delivers_to: "Le risposte vengono consegnate a",
    channel_add: "Collega un canale",
    channel_kind: "Tipo di canale",
    channel_name: "Nome mostrato al tuo team",
    page_legend: "La Pagina Facebook",
    page_id: "ID della Pagina",
    page_access_token: "Token di accesso della Pagina",
    instagram_legend: "L’account Instagram",
    account_id: "ID dell’account Instagram",
    access_token: "Token di accesso Instagram",
    app_legend: "L’app Meta",
    app_id: "ID dell’app",
    app_secret: "Chiave segreta dell’app",
    human_agent: "Usa il tag Human Agent, per rispondere fino a 7 giorni dopo l’ultimo messaggio del cliente",
    mark_seen: "Segna i messaggi come visti quando un operatore apre la conversazione",
    meta_hint: "Li trovi nella dashboard dell’app Meta. I segreti sono cifrati e non vengono più mostrati.",
    kind_whatsapp: "WhatsApp",
    kind_whatsapp_long: "WhatsApp (un numero aziendale, Cloud API)",
    whatsapp_legend: "Il numero WhatsApp",
    phone_number_id: "ID del numero di telefono",
    waba_id: "ID dell’account WhatsApp Business",
    whatsapp_token: "Token di accesso (di un utente di sistema)",
    mark_read: "Invia le conferme di lettura quando un agente apre la conversazione",
    state_needs_attention: "Serve un amministratore: WhatsApp ha fermato l’account (bloccato o limitato), quindi le risposte non possono partire. Vedi WhatsApp Manager.",
    templates_count: "Modelli di messaggio: {count}",
    costs_title: "Questo mese ({month}), secondo i prezzi di WhatsApp:",
    costs_total: "{billable} a pagamento, {free} gratuiti",
    costs_category: "{category}: {billable} a pagamento, {free} gratuiti ({fep} in un punto di ingresso gratuito)",
    costs_none: "Ancora nessun messaggio con prezzo questo mese.",
    templates_sync: "Sincronizza i modelli",
    last_webhook: "Ultimo webhook",
    last_send: "Ultima risposta inviata",
    api_legend: "La tua app",
    api_url: "URL delle risposte",
    api_url_hint: "L’indirizzo http(s) dove Pronto consegna le risposte del tuo team come webhook firmati.",
    channel_create: "Collega il canale",
    channel_created_title: "Il canale è collegato",
    signing_secret: "Segreto di firma",
    signing_secret_hint: "La tua app verifica la firma di ogni risposta con questo segreto. Copialo ora: viene mostrato solo questa volta.",
    kind_webchat: "Chat del sito",
    kind_webchat_long: "Chat del sito (un widget sul tuo sito)",
    webchat_legend: "Il tuo sito",
    webchat_origins: "Siti autorizzati",
    webchat_origins_hint: "Un’origine per riga, come https://www.example.com: il widget funziona solo su questi siti.",
    webchat_color: "Colore",
    webchat_business_name: "Nome mostrato ai visitatori",
    webchat_greeting: "Messaggio di benvenuto",
    webchat_prechat: "Chiedere nome ed e-mail del visitatore prima del primo messaggio",
    webchat_snippet: "Codice da incollare",
    webchat_snippet_hint: "Incolla questo nelle pagine del tuo sito, prima di </body>.",
    identity_secret: "Segreto d’identità",
    identity_secret_hint: "Il tuo sito firma gli id dei clienti connessi con questo segreto (HMAC-SHA256, esadecimale) per Pronto.identify. Copialo ora: viene mostrato solo questa volta.",
    users_title: "Utenti",
    users_intro: "Le persone del tuo team. Gli operatori rispondono alle conversazioni; gli amministratori cambiano anche queste impostazioni.",
    deactivated: "Disattivato",
    deactivate: "Disattiva",
    deactivate_named: "Disattiva {name}",
    confirm_deactivate: "Disattivare {name}? Viene disconnesso e non potrà più accedere.",
    reactivate: "Riattiva",
    reactivate_named: "Riattiva {name}",
    role_of: "Ruolo di {name}",
    user_invite: "Invita una persona",
    user_name: "Nome",
    password_optional: "Password (facoltativa)",
    password_hint: "Almeno 10 caratteri. Lascialo vuoto e Pronto crea una password temporanea da consegnare.",
    user_invite_button: "Invita",
    user_created_title: "La persona può accedere da subito",
    user_created_hint: "Invia queste credenziali in modo sicuro. La password viene mostrata solo questa volta.",
    temporary_password: "Parola d’accesso",
    replies_title: "Risposte salvate",
    replies_intro: "Testi che il tuo team inserisce digitando / e la scorciatoia nell’editor.",
    replies_empty: "Ancora nessuna risposta salvata.",
    preview: "Anteprima",
    preview_for: "Anteprima per un cliente di nome {customer}",
    confirm_delete_reply: "Eliminare la risposta salvata {name}?",
    reply_add: "Aggiungi una risposta salvata",
    reply_edit: "Modifica la risposta salvata",
    reply_name: "Nome",
    shortcut: "Scorciatoia",
    shortcut_hint: "Da 1 a 32 lettere, cifre, - o _, digitati dopo / nell’editor.",
    reply_text: "Testo",
    reply_file: "File",
    reply_file_choose: "Allega un file",
    reply_file_hint: "Proposto con il testo quando la risposta viene inserita; controllato secondo i limiti del canale qui sotto.",
    reply_file_channel: "Controllato per il canale",
    reply_file_remove: "Rimuovi il file",
    reply_file_current: "Ora: {name}",
    variables_help: "Il testo può usare queste variabili, compilate per ogni conversazione:",
    var_first_name: "il nome di battesimo del cliente",
    var_name: "il nome completo del cliente",
    var_agent_name: "il nome dell’operatore che la invia",
    tokens_title: "Token API",
    tokens_intro: "Chiavi per i programmi che chiamano l’API di Pronto. Ognuna agisce con il ruolo che le è stato dato.",
    tokens_empty: "Ancora nessun token API.",
    created: "Creato il",
    last_used: "ultimo uso",
    never: "mai",
    revoked: "Revocato",
    revoke: "Revoca",
    revoke_named: "Revoca {name}",
    confirm_revoke: "Revocare il token {name}? I programmi che lo usano smettono subito di funzionare.",
    token_add: "Crea un token",
    token_name: "Nome del token",
    token_name_hint: "Cosa lo usa, per esempio «sincronizzazione CRM».",
    token_create: "Crea il token",
    token_created_title: "Il tuo nuovo token",
    token_created_hint: "Copialo ora: viene mostrato solo questa volta. I programmi lo inviano nell’intestazione Authorization: Bearer seguita dal token.",
    token_secret: "Chiave",
};
