-- Debates: threads under a hearing (subject_kind "horing", subject_id the
-- hearing) or a free topic (subject_kind "tema", subject_id empty).
-- last_post_at and posts are kept with each post for the lists.
CREATE TABLE dialogue_threads (
	tenant_id     TEXT      NOT NULL,
	id            TEXT      NOT NULL,
	subject_kind  TEXT      NOT NULL,
	subject_id    TEXT      NOT NULL,
	title         TEXT      NOT NULL,
	author        TEXT      NOT NULL,
	author_name   TEXT      NOT NULL,
	posts         BIGINT    NOT NULL,
	last_post_at  TIMESTAMP NOT NULL,
	created_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dialogue_threads_subject ON dialogue_threads (tenant_id, subject_kind, subject_id);
CREATE INDEX dialogue_threads_last ON dialogue_threads (tenant_id, last_post_at);

-- Posts, numbered in their thread from 1. A hidden post keeps its text
-- for the record; pages show the reason instead. reports counts the
-- people who reported it.
CREATE TABLE dialogue_posts (
	tenant_id     TEXT      NOT NULL,
	id            TEXT      NOT NULL,
	thread_id     TEXT      NOT NULL,
	position      BIGINT    NOT NULL,
	author        TEXT      NOT NULL,
	author_name   TEXT      NOT NULL,
	body          TEXT      NOT NULL,
	reports       BIGINT    NOT NULL,
	hidden_reason TEXT      NOT NULL,
	hidden_by     TEXT      NOT NULL,
	hidden_at     TIMESTAMP,
	created_at    TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dialogue_posts_thread ON dialogue_posts (tenant_id, thread_id, position);
CREATE INDEX dialogue_posts_created ON dialogue_posts (tenant_id, created_at);

-- Reports of posts: one per person and post.
CREATE TABLE dialogue_reports (
	tenant_id  TEXT      NOT NULL,
	post_id    TEXT      NOT NULL,
	reporter   TEXT      NOT NULL,
	reason     TEXT      NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, post_id, reporter)
);

-- Notices of new posts in a thread, to an e-mail address, as a daily
-- digest: sent_until is the time up to which posts have been told.
CREATE TABLE dialogue_subscriptions (
	tenant_id  TEXT      NOT NULL,
	thread_id  TEXT      NOT NULL,
	principal  TEXT      NOT NULL,
	email      TEXT      NOT NULL,
	lang       TEXT      NOT NULL, -- the language of the digest
	sent_until TIMESTAMP NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (tenant_id, thread_id, principal)
);
CREATE INDEX dialogue_subscriptions_due ON dialogue_subscriptions (sent_until);
