-- When a person's away ends by itself (they said "for an hour", "until tomorrow");
-- NULL while they are away until they say they are back.
ALTER TABLE memberships ADD COLUMN away_until BIGINT;
