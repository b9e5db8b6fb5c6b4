-- Threshold trustees (Belenios' Pedersen protocol, t of n): the number of
-- trustees needed to decrypt, 0 when each trustee holds a full key
-- ("Single"); and each trustee's public files of the key ceremony, which
-- the server only relays and checks (it never holds a decryption key).
ALTER TABLE vote_elections ADD COLUMN threshold BIGINT NOT NULL DEFAULT 0;
ALTER TABLE vote_trustees ADD COLUMN cert TEXT NOT NULL DEFAULT '';       -- step 1: signed verification and encryption keys
ALTER TABLE vote_trustees ADD COLUMN polynomial TEXT NOT NULL DEFAULT ''; -- step 3: signed coefficients, shares encrypted to each trustee
ALTER TABLE vote_trustees ADD COLUMN voutput TEXT NOT NULL DEFAULT '';    -- step 5: the share's public key, the share encrypted to its holder
