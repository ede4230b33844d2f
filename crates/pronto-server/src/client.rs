//! The client's address: the TCP peer, or, when the peer is one of the
//! `trusted_proxies`, the address it says it forwarded for (`X-Forwarded-For`).
//!
//! Behind a reverse proxy every request comes from the proxy, so limits per address
//! would lump all clients together; trusting the header from anyone else would let a
//! client choose its own address, so it is read only from the listed proxies.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

/// The header a reverse proxy adds (each hop appends the address it received from).
pub const FORWARDED_FOR: &str = "x-forwarded-for";

/// The client's address, as [`client_ip`] decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// The client's address: `peer`, unless `peer` is a trusted proxy; then the
/// right-most `X-Forwarded-For` address that is not a trusted proxy (the one the
/// first trusted hop received from), since every address to its left was written
/// by the client and could be anything. A malformed entry stops the walk at the
/// last trusted hop.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut current = peer.to_canonical();
    if !is_trusted(&current) {
        return current;
    }
    let values: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    for entry in values.iter().rev().flat_map(|v| v.rsplit(',')) {
        let Some(hop) = parse_hop(entry.trim()) else {
            return current;
        };
        current = hop;
        if !is_trusted(&current) {
            return current;
        }
    }
    current
}

/// `1.2.3.4`, `2001:db8::1`, `1.2.3.4:5678` or `[2001:db8::1]:5678`.
fn parse_hop(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .or_else(|_| text.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| ApiError::internal(&"the server runs without peer addresses"))?;
        Ok(ClientIp(client_ip(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(FORWARDED_FOR, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted: Vec<IpNet> = vec![
            "10.0.0.0/8".parse().unwrap(),
            "192.0.2.7/32".parse().unwrap(),
        ];
        let h = xff(&["6.6.6.6, 203.0.113.9"]);
        // From anyone else, the header is the client's word: ignored.
        assert_eq!(
            client_ip(ip("198.51.100.1"), &h, &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(client_ip(ip("198.51.100.1"), &h, &[]), ip("198.51.100.1"));
        // From a proxy: the right-most address that is not a proxy.
        assert_eq!(client_ip(ip("10.1.1.1"), &h, &trusted), ip("203.0.113.9"));
        let chain = xff(&["6.6.6.6", "203.0.113.9, 192.0.2.7:4431"]);
        assert_eq!(
            client_ip(ip("10.1.1.1"), &chain, &trusted),
            ip("203.0.113.9")
        );
        // No header, or nonsense: the proxy itself (never the nonsense).
        assert_eq!(
            client_ip(ip("10.1.1.1"), &HeaderMap::new(), &trusted),
            ip("10.1.1.1")
        );
        assert_eq!(
            client_ip(ip("10.1.1.1"), &xff(&["1.2.3.4, junk"]), &trusted),
            ip("10.1.1.1")
        );
        // IPv4 seen through an IPv6 socket is the same address.
        assert_eq!(
            client_ip(ip("::ffff:10.1.1.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_ip(ip("10.1.1.1"), &xff(&["[2001:db8::1]:80"]), &trusted),
            ip("2001:db8::1")
        );
    }
}
