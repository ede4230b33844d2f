//! One storage test suite, run against SQLite (a temporary file) and, when
//! `PRONTO_TEST_DATABASE_URL` is set, PostgreSQL (a fresh schema per test).

mod alerts;
mod contacts;
mod email;
mod group_commit;
mod imports;
mod pages;
mod retention;
mod routing;
mod search;
mod statuses;
mod suite;
