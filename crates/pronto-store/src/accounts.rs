//! Workspaces, users, memberships, sessions, API tokens and setup links.
//!
//! Secrets are never stored: sessions, tokens and setup links are kept as hashes that
//! the server computes, and passwords as argon2 hashes.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::model::{ApiToken, Member, Micros, Principal, Role, User};
use crate::{Result, Store, StoreError, conflict};

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.locale, u.deactivated_at";

fn member(r: &sqlx::any::AnyRow) -> Result<Member> {
    let away: i64 = r.try_get("away")?;
    Ok(Member {
        user: user(r)?,
        role: role(r)?,
        away: away != 0,
        away_until: r.try_get("away_until")?,
    })
}

fn user(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        locale: row.try_get("locale")?,
        deactivated_at: row.try_get("deactivated_at")?,
    })
}

/// Ends a user's sessions, all of them or all but `keep` (a session's token hash),
/// inside the caller's transaction.
async fn end_sessions(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    keep: Option<&str>,
) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(conn)
        .await?;
    Ok(())
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
    /// Every workspace's id, in order.
    pub async fn workspace_ids(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

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
            "SELECT {USER_COLUMNS}, m.role, m.away, m.away_until FROM users u JOIN memberships m ON m.user_id = u.id
             WHERE m.workspace_id = $1 AND u.id = $2"
        ))
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("user"))?;
        member(&row)
    }

    /// The members of a workspace, by name.
    pub async fn members(&self, workspace_id: i64) -> Result<Vec<Member>> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, m.role, m.away, m.away_until FROM users u JOIN memberships m ON m.user_id = u.id
             WHERE m.workspace_id = $1 ORDER BY u.name, u.id"
        ))
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(member).collect()
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
        end_sessions(&mut tx, user_id, None).await?;
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
            "SELECT s.user_id, s.workspace_id, m.role, u.password_reset_at FROM sessions s
             JOIN users u ON u.id = s.user_id
             JOIN memberships m ON m.user_id = s.user_id AND m.workspace_id = s.workspace_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let reset: Option<i64> = r.try_get("password_reset_at")?;
            Ok(Principal {
                workspace_id: r.try_get("workspace_id")?,
                user_id: Some(r.try_get("user_id")?),
                token_id: None,
                role: role(&r)?,
                must_change_password: reset.is_some(),
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
        self.tokens.clear();
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("API token"));
        }
        Ok(())
    }

    /// Who an API token belongs to, kept a moment (an integration calls with it
    /// many times a second; a revocation on this node forgets every token at once,
    /// one on another node is seen within [`crate::cache::FRESH`]). Its
    /// `last_used_at` is refreshed at most once a minute: a write on every request
    /// would make each call of an integration a second commit on one row.
    pub async fn token_principal(
        &self,
        token_hash: &str,
        now: Micros,
    ) -> Result<Option<Principal>> {
        self.tokens
            .get(
                &token_hash.to_owned(),
                self.token_principal_uncached(token_hash, now),
            )
            .await
    }

    async fn token_principal_uncached(
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
            must_change_password: false,
        }))
    }

    /// Records a one-time setup link. Links not used yet are forgotten: only the
    /// latest link printed can create the first admin.
    pub async fn create_setup_link(&self, token_hash: &str, now: Micros) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM setup_links WHERE used_at IS NULL")
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO setup_links (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a setup link could create the first admin now: it is the latest,
    /// unused, younger than [`SETUP_LINK_LIFETIME`], and no workspace has an admin.
    /// A cheap check before hashing a password; [`Store::use_setup_link`] decides.
    pub async fn setup_link_usable(&self, token_hash: &str, now: Micros) -> Result<bool> {
        let live: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM setup_links WHERE token_hash = $1 AND used_at IS NULL
               AND created_at > $2",
        )
        .bind(token_hash)
        .bind(now - SETUP_LINK_LIFETIME)
        .fetch_one(&self.pool)
        .await?;
        Ok(live == 1 && self.admin_count(&self.pool).await? == 0)
    }

    /// Uses a setup link to create the first admin, in one transaction: the link
    /// must be unused, not superseded, younger than [`SETUP_LINK_LIFETIME`], and no
    /// admin may exist yet. `None` when the link cannot be used. Two uses at once
    /// are serialised on the workspace's row, so at most one admin is made.
    pub async fn use_setup_link(
        &self,
        token_hash: &str,
        admin: &NewAdmin<'_>,
        now: Micros,
    ) -> Result<Option<(User, i64)>> {
        let mut tx = self.write_tx().await?;
        let workspace_id: i64 =
            match sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?
            {
                Some(id) => id,
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO workspaces (name, created_at) VALUES ($1, $2) RETURNING id",
                    )
                    .bind("My business")
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
        sqlx::query("UPDATE workspaces SET event_seq = event_seq WHERE id = $1")
            .bind(workspace_id)
            .execute(&mut *tx)
            .await?;
        if self.admin_count(&mut *tx).await? > 0 {
            return Ok(None);
        }
        let used = sqlx::query(
            "UPDATE setup_links SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND created_at > $3",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now - SETUP_LINK_LIFETIME)
        .execute(&mut *tx)
        .await?;
        if used.rows_affected() != 1 {
            return Ok(None);
        }
        let row = sqlx::query(
            "INSERT INTO users (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id, email, name, locale, deactivated_at",
        )
        .bind(admin.email.trim().to_lowercase())
        .bind(admin.name)
        .bind(admin.password_hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict(e, "a user with this email already exists"))?;
        let created = user(&row)?;
        sqlx::query(
            "INSERT INTO memberships (workspace_id, user_id, role) VALUES ($1, $2, 'admin')",
        )
        .bind(workspace_id)
        .bind(created.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((created, workspace_id)))
    }

    async fn admin_count<'e>(
        &self,
        db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    ) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE role = 'admin'")
                .fetch_one(db)
                .await?,
        )
    }

    /// A user's password hash (for checking the current password before a change).
    pub async fn password_hash(&self, user_id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// A person chose a new password: it replaces the old one (and any reset), and
    /// every session of theirs ends except `keep` (the one they changed it in).
    pub async fn change_password(
        &self,
        user_id: i64,
        hash: &str,
        keep: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE users SET password_hash = $1, password_reset_at = NULL WHERE id = $2",
        )
        .bind(hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        end_sessions(&mut tx, user_id, keep).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An admin gave a member of the workspace a temporary password: it replaces
    /// theirs, every session of theirs ends, and they must choose a new one at their
    /// next sign-in.
    pub async fn reset_password(
        &self,
        workspace_id: i64,
        user_id: i64,
        hash: &str,
        now: Micros,
    ) -> Result<()> {
        self.member(workspace_id, user_id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE users SET password_hash = $1, password_reset_at = $2 WHERE id = $3")
            .bind(hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        end_sessions(&mut tx, user_id, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An operator's reset from the command line (an admin locked out): the user
    /// with this email gets `hash` as their own password and every session of theirs
    /// ends.
    pub async fn set_password_by_email(&self, email: &str, hash: &str) -> Result<User> {
        let (found, _) = self
            .user_for_login(email)
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        self.change_password(found.id, hash, None).await?;
        Ok(found)
    }
}

/// How long a setup link can create the first admin after it was printed.
pub const SETUP_LINK_LIFETIME: Micros = 24 * 3_600_000_000;

/// The first admin, as a setup link creates it.
#[derive(Debug)]
pub struct NewAdmin<'a> {
    /// Their email (lowercased when stored).
    pub email: &'a str,
    /// Their name.
    pub name: &'a str,
    /// Their password's argon2 hash.
    pub password_hash: &'a str,
}
