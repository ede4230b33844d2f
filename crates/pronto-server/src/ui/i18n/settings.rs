//! Texts of the admins' settings.

use serde::Serialize;

/// Texts of the admins' settings, in one language.
#[derive(Serialize)]
pub struct Settings {
    /// Settings
    pub title: &'static str,
}

/// In English.
pub const EN: Settings = Settings {
    title: "Settings",
};

/// In French.
pub const FR: Settings = Settings {
    title: "Paramètres",
};

/// In Italian.
pub const IT: Settings = Settings {
    title: "Impostazioni",
};
