//! A small client of Pronto's own HTTP API, signed in as one demo user: the demo
//! sets itself up and acts (agents answering) through the API a person or a script
//! would use, so everything it does passes the same checks.

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::{Value, json};

/// A signed-in user of the API at `base`.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    cookie: String,
    /// The user's name, for logs.
    pub name: String,
}

impl Api {
    /// Signs in with `POST /api/v1/auth/login` and keeps the session cookie.
    pub async fn login(
        http: &reqwest::Client,
        base: &str,
        email: &str,
        password: &str,
    ) -> anyhow::Result<Api> {
        let response = http
            .post(format!("{base}/api/v1/auth/login"))
            // Pronto refuses password sign-ins and cookie changes from other
            // origins; a script says it speaks for Pronto's own.
            .header("origin", base)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .with_context(|| format!("signing in {email} at {base}"))?;
        if !response.status().is_success() {
            bail!("signing in {email} was refused ({})", response.status());
        }
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()
                    .filter(|c| c.starts_with("pronto_session="))
            })
            .map(str::to_owned)
            .context("the sign-in answer has no pronto_session cookie")?;
        Ok(Api {
            http: http.clone(),
            base: base.to_owned(),
            cookie,
            name: email.to_owned(),
        })
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.call(Method::PATCH, path, Some(body)).await
    }

    /// One request; a refusal becomes an error with Pronto's message.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.base);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status();
        // A body that is not JSON (there should be none) reads as null.
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!(
                "{method} {path} answered {status}: {}",
                value["message"].as_str().unwrap_or("no message")
            );
        }
        Ok(value)
    }
}
