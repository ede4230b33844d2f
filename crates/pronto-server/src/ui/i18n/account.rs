//! Texts of the account page (the signed-in person's own password).

use serde::Serialize;

/// Texts of the account page, in one language.
#[derive(Serialize)]
pub struct Account {
    /// Your account
    pub title: &'static str,
    /// Change your password
    pub password_heading: &'static str,
    /// An admin reset your password. Choose your own to continue.
    pub must_change: &'static str,
    /// Current password
    pub current_password: &'static str,
    /// New password (10 to 256 characters, not a common one)
    pub new_password: &'static str,
    /// Change the password
    pub save: &'static str,
    /// Your password is changed. Your other sessions are signed out.
    pub changed: &'static str,
    /// The current password is wrong.
    pub err_wrong_password: &'static str,
    /// This password is too common or too easy to guess: try a few unrelated words.
    pub err_weak_password: &'static str,
    /// Choose a new password first.
    pub err_password_change_required: &'static str,
}

/// In English.
pub const EN: Account = Account {
    title: "Your account",
    password_heading: "Change your password",
    must_change: "An admin reset your password. Choose your own to continue.",
    current_password: "Current password",
    new_password: "New password (10 to 256 characters, not a common one)",
    save: "Change the password",
    changed: "Your password is changed. Your other sessions are signed out.",
    err_wrong_password: "The current password is wrong.",
    err_weak_password: "This password is too common or too easy to guess: try a few unrelated words.",
    err_password_change_required: "Choose a new password first.",
};

/// In French.
pub const FR: Account = Account {
    title: "Votre compte",
    password_heading: "Changer votre mot de passe",
    must_change: "Un administrateur a réinitialisé votre mot de passe. Choisissez le vôtre pour continuer.",
    current_password: "Mot de passe actuel",
    new_password: "Nouveau mot de passe (10 à 256 caractères, pas un mot de passe courant)",
    save: "Changer le mot de passe",
    changed: "Votre mot de passe est changé. Vos autres sessions sont déconnectées.",
    err_wrong_password: "Le mot de passe actuel est faux.",
    err_weak_password: "Ce mot de passe est trop courant ou trop facile à deviner : essayez quelques mots sans rapport.",
    err_password_change_required: "Choisissez d'abord un nouveau mot de passe.",
};

/// In Italian.
pub const IT: Account = Account {
    title: "Il tuo account",
    password_heading: "Cambia la password",
    must_change: "Un amministratore ha reimpostato la tua password. Scegline una tua per continuare.",
    current_password: "Password attuale",
    new_password: "Nuova password (da 10 a 256 caratteri, non una comune)",
    save: "Cambia la password",
    changed: "La password è cambiata. Le tue altre sessioni sono state chiuse.",
    err_wrong_password: "La password attuale è sbagliata.",
    err_weak_password: "Questa password è troppo comune o facile da indovinare: prova con alcune parole senza legame.",
    err_password_change_required: "Scegli prima una nuova password.",
};
