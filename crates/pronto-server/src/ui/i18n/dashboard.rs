//! Texts of the responsiveness dashboard.

use serde::Serialize;

/// Texts of the responsiveness dashboard, in one language.
#[derive(Serialize)]
pub struct Dashboard {
    /// Responsiveness
    pub title: &'static str,
}

/// In English.
pub const EN: Dashboard = Dashboard {
    title: "Responsiveness",
};

/// In French.
pub const FR: Dashboard = Dashboard {
    title: "Réactivité",
};

/// In Italian.
pub const IT: Dashboard = Dashboard {
    title: "Reattività",
};
