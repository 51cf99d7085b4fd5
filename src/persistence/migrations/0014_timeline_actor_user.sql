-- The end user behind a timeline entry's actor (a V2 token's creation_user, later a portal
-- operator), as scheduled changes already keep it: who did it, not only which key or token.
ALTER TABLE timeline_entry ADD COLUMN actor_user text;
