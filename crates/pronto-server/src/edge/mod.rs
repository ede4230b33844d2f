//! The HTTP edge: what every request and answer passes through before and after
//! the routes. `origin`: state-changing requests made with the session cookie must
//! come from Pronto's own pages. `headers`: the security headers on every answer.
//! `serve`: the accept loop with its timeouts and connection cap.

pub mod headers;
pub mod origin;
pub mod serve;
