-- A credential authority apart from the server (Belenios' model), an
-- option chosen when the election is created: cred_mode 'server' (the
-- server makes and keeps each voter's credential, as before) or
-- 'authority' (a credential authority makes the credentials on their own
-- computer and hands the server only the public credentials; the server
-- holds no secret credential of the election). public_creds is the
-- uploaded list in the published form, canonical JSON, '' until uploaded.
ALTER TABLE vote_elections ADD COLUMN cred_mode TEXT NOT NULL DEFAULT 'server';
ALTER TABLE vote_elections ADD COLUMN public_creds TEXT NOT NULL DEFAULT '';
-- With an authority, a voter's public credential is bound at the voter's
-- first accepted ballot: one credential per voter, one voter per credential.
CREATE UNIQUE INDEX vote_voters_public_cred ON vote_voters (tenant_id, uuid, public_cred) WHERE public_cred <> '';
