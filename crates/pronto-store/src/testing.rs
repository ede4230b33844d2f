//! Fresh databases for tests: a temporary SQLite file, and PostgreSQL in a schema of
//! its own when `PRONTO_TEST_DATABASE_URL` is set. Used by the tests of this crate
//! and of the server.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Store;

/// A store on a database of its own, and what keeps that database alive.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// The URL it was opened with (another process can open it too).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Every backend the suite runs on: SQLite always, PostgreSQL when configured.
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![sqlite().await];
    if let Some(db) = postgres().await {
        dbs.push(db);
    }
    dbs
}

/// A temporary SQLite database.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("pronto.db").display());
    TestDb {
        store: Store::connect(&url).await.expect("SQLite opens"),
        url,
        _dir: Some(dir),
    }
}

/// PostgreSQL, in a new schema so that tests never share tables or migrations;
/// `None` when `PRONTO_TEST_DATABASE_URL` is not set.
pub async fn postgres() -> Option<TestDb> {
    let url = std::env::var("PRONTO_TEST_DATABASE_URL").ok()?;
    let schema = format!(
        "pronto_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let admin = Store::connect_unmigrated(&url).await.unwrap_or_else(|e| {
        panic!("PRONTO_TEST_DATABASE_URL={url} does not answer ({e}); start PostgreSQL or unset it")
    });
    // Schemas left by earlier runs whose process is gone are dropped.
    let old: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'pronto_test_%'",
    )
    .fetch_all(admin.pool())
    .await
    .unwrap();
    for name in old {
        let pid = name.split('_').nth(2).unwrap_or_default();
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .execute(admin.pool())
                .await;
        }
    }
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(admin.pool())
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(admin.pool())
        .await
        .unwrap();
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    Some(TestDb {
        store: Store::connect(&url).await.expect("PostgreSQL opens"),
        url,
        _dir: None,
    })
}
