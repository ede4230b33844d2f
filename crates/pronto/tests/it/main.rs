//! `pronto` driven as a user drives it: the built binary, its arguments, its output.

mod crash;
mod demo;
mod import;
mod import_live;
mod nodes;
mod report;
mod search;
mod serve;
mod support;
