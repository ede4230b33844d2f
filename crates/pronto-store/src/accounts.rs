//! Workspaces, users, memberships, sessions, API tokens and setup links.
//!
//! Secrets are never stored: sessions, tokens and setup links are kept as hashes that
//! the server computes, and passwords as argon2 hashes.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::model::{ApiToken, Member, Micros, Principal, Role, User};
use crate::{Result, Store, StoreError, conflict};

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.locale, u.deactivated_at";

fn user(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        locale: row.try_get("locale")?,
        deactivated_at: row.try_get("deactivated_at")?,
    })
}

fn role(row: &AnyRow) -> Result<Role> {
    let text: String = row.try_get("role")?;
    Role::parse(&text).ok_or_else(|| StoreError::Conflict(format!("unknown role {text:?}")))
}

fn token(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: role(row)?,
        created_at: row.try_get("created_at")?,
        last_used_at: row.try_get("last_used_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Store {
    /// Creates a workspace; returns its id.
    pub async fn create_workspace(&self, name: &str, now: Micros) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The first workspace, if any (single-workspace installs).
    pub async fn first_workspace(&self) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id LIMIT 1")
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// How many users exist (zero means the install still needs its first admin).
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Creates a user; the email is lowercased and must be new.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password_hash: Option<&str>,
        now: Micros,
    ) -> Result<User> {
        let row = sqlx::query(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id, email, name, locale, deactivated_at",
        )
        .bind(email.trim().to_lowercase())
        .bind(name)
        .bind(password_hash)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| conflict(e, "a user with this email already exists"))?;
        user(&row)
    }

    /// Sets a user's password hash.
    pub async fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets the language a user's pages are written in (`None`: the browser's).
    pub async fn set_user_locale(&self, user_id: i64, locale: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
            .bind(locale)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Gives a user a role in a workspace (or changes it).
    pub async fn set_member(&self, workspace_id: i64, user_id: i64, role: Role) -> Result<()> {
        sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, $3)
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(role.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A user by email, with its password hash, for signing in.
    pub async fn user_for_login(&self, email: &str) -> Result<Option<(User, Option<String>)>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user(&r)?, r.try_get("password_hash")?)))
            .transpose()
    }

    /// The workspaces a user belongs to, first joined first.
    pub async fn memberships(&self, user_id: i64) -> Result<Vec<(i64, Role)>> {
        let rows = sqlx::query(
            "SELECT workspace_id, role FROM memberships WHERE user_id = $1 ORDER BY workspace_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("workspace_id")?, role(r)?)))
            .collect()
    }

    /// A member of a workspace.
    pub async fn member(&self, workspace_id: i64, user_id: i64) -> Result<Member> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, m.role FROM users u JOIN memberships m ON m.user_id = u.id
             WHERE m.workspace_id = $1 AND u.id = $2"
        ))
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("user"))?;
        Ok(Member {
            user: user(&row)?,
            role: role(&row)?,
        })
    }

    /// The members of a workspace, by name.
    pub async fn members(&self, workspace_id: i64) -> Result<Vec<Member>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, m.role FROM users u JOIN memberships m ON m.user_id = u.id
             WHERE m.workspace_id = $1 ORDER BY u.name, u.id"
        ))
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Member {
                    user: user(r)?,
                    role: role(r)?,
                })
            })
            .collect()
    }

    /// Changes a member's role. The workspace keeps at least one active admin: the
    /// last one cannot become an agent (a conflict). Two admins demoting each other
    /// at once are serialised on the workspace's row, so one of them is refused.
    pub async fn set_member_role(&self, workspace_id: i64, user_id: i64, role: Role) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE workspaces SET event_seq = event_seq WHERE id = $1")
            .bind(workspace_id)
            .execute(&mut *tx)
            .await?;
        let current: Option<String> = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(current) = current else {
            return Err(StoreError::NotFound("user"));
        };
        if current == Role::Admin.as_str() && role == Role::Agent {
            let others: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.workspace_id = $1 AND m.role = 'admin' AND m.user_id <> $2
                   AND u.deactivated_at IS NULL",
            )
            .bind(workspace_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            if others == 0 {
                return Err(StoreError::Conflict(
                    "the workspace needs at least one active admin; make another admin first"
                        .to_owned(),
                ));
            }
        }
        sqlx::query("UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(workspace_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lets a deactivated member of the workspace sign in again.
    pub async fn reactivate_member(&self, workspace_id: i64, user_id: i64) -> Result<()> {
        self.member(workspace_id, user_id).await?;
        sqlx::query("UPDATE users SET deactivated_at = NULL WHERE id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deactivates a member's account and ends its sessions.
    pub async fn deactivate_member(
        &self,
        workspace_id: i64,
        user_id: i64,
        now: Micros,
    ) -> Result<()> {
        self.member(workspace_id, user_id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE users SET deactivated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts a session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        workspace_id: i64,
        now: Micros,
        expires_at: Micros,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, workspace_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(workspace_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Who a live session belongs to (an expired session, or one of a deactivated
    /// user, is nobody).
    pub async fn session_principal(
        &self,
        token_hash: &str,
        now: Micros,
    ) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "SELECT s.user_id, s.workspace_id, m.role FROM sessions s
             JOIN users u ON u.id = s.user_id
             JOIN memberships m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Principal {
                workspace_id: r.try_get("workspace_id")?,
                user_id: Some(r.try_get("user_id")?),
                token_id: None,
                role: role(&r)?,
            })
        })
        .transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Creates an API token from its hash.
    pub async fn create_api_token(
        &self,
        workspace_id: i64,
        name: &str,
        token_hash: &str,
        role: Role,
        now: Micros,
    ) -> Result<ApiToken> {
        let row = sqlx::query(
            "INSERT INTO api_tokens (workspace_id, name, token_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5)
             RETURNING id, name, role, created_at, last_used_at, revoked_at",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(token_hash)
        .bind(role.as_str())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        token(&row)
    }

    /// The workspace's API tokens, newest first.
    pub async fn api_tokens(&self, workspace_id: i64) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, name, role, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE workspace_id = $1 ORDER BY id DESC",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(token).collect()
    }

    /// Revokes an API token of the workspace.
    pub async fn revoke_api_token(&self, workspace_id: i64, id: i64, now: Micros) -> Result<()> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND workspace_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("API token"));
        }
        Ok(())
    }

    /// Who an API token belongs to. Its `last_used_at` is refreshed at most once a
    /// minute: a write on every request would make each call of an integration a
    /// second commit on one row.
    pub async fn token_principal(
        &self,
        token_hash: &str,
        now: Micros,
    ) -> Result<Option<Principal>> {
        let row = sqlx::query(
            "SELECT id, workspace_id, role, last_used_at FROM api_tokens
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let id: i64 = r.try_get("id")?;
        let last: Option<i64> = r.try_get("last_used_at")?;
        if last.is_none_or(|l| now - l >= 60_000_000) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(Principal {
            workspace_id: r.try_get("workspace_id")?,
            user_id: None,
            token_id: Some(id),
            role: role(&r)?,
        }))
    }

    /// Records a one-time setup link.
    pub async fn create_setup_link(&self, token_hash: &str, now: Micros) -> Result<()> {
        sqlx::query("INSERT INTO setup_links (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Uses a setup link: true the first time, false after (or for an unknown one).
    pub async fn use_setup_link(&self, token_hash: &str, now: Micros) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE setup_links SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
