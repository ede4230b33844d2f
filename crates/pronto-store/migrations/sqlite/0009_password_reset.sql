-- An admin's password reset: set when a member was given a temporary password, so
-- they must choose their own at their next sign-in; cleared when they do.
ALTER TABLE users ADD COLUMN password_reset_at BIGINT;
