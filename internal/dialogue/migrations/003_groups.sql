-- Questions to a party group (partigruppe) instead of one official:
-- group_id is the party's id in the Officials source; official_id is then
-- empty and official_name the party's name as it was when asked. Any
-- official of the party may answer on the group's behalf. answerer_id is
-- the official who answered (also for questions to one official), and
-- answered_by their name as shown.
ALTER TABLE dialogue_questions ADD COLUMN group_id TEXT NOT NULL DEFAULT '';
ALTER TABLE dialogue_questions ADD COLUMN answerer_id TEXT NOT NULL DEFAULT '';
CREATE INDEX dialogue_questions_group ON dialogue_questions (tenant_id, group_id);
