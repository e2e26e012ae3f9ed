-- trace-store schema, version 1.
-- An app has images (by manifest digest); an image has traces (uploaded start-up recordings),
-- their scores from the latest ranking, and versioned replay plans merged from the best traces.

CREATE TABLE apps (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT apps_name_key UNIQUE (name)
);

CREATE TABLE images (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    app_id           bigint      NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    manifest_digest  text        NOT NULL,
    image_reference  text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT images_app_digest_key UNIQUE (app_id, manifest_digest)
);

-- One row per distinct trace file. The file itself is already zstd-compressed, so it is stored
-- out of line without another compression attempt (STORAGE EXTERNAL).
-- The content digest covers the whole file (app name included): uploads are idempotent by it.
CREATE TABLE traces (
    id                 uuid        PRIMARY KEY,
    image_id           bigint      NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    content_digest     text        NOT NULL,
    file_bytes         bytea       NOT NULL,
    file_size          bigint      NOT NULL,
    event_count        bigint      NOT NULL,
    file_count         integer     NOT NULL,
    readiness_reached  boolean     NOT NULL,
    incomplete         boolean     NOT NULL,
    dropped_events     bigint      NOT NULL,
    duration_micros    bigint      NOT NULL,
    recorded_at        timestamptz,
    uploaded_at        timestamptz NOT NULL,
    host               text        NOT NULL,
    recording_mode     text        NOT NULL,
    CONSTRAINT traces_content_digest_key UNIQUE (content_digest)
);
ALTER TABLE traces ALTER COLUMN file_bytes SET STORAGE EXTERNAL;
CREATE INDEX traces_image_idx ON traces (image_id, uploaded_at);

-- Scores from the latest ranking of the trace's image.
CREATE TABLE trace_scores (
    trace_id      uuid             PRIMARY KEY REFERENCES traces (id) ON DELETE CASCADE,
    score         double precision NOT NULL,
    reasons       text[]           NOT NULL,
    in_plan       boolean          NOT NULL,
    plan_version  bigint           NOT NULL,
    computed_at   timestamptz      NOT NULL
);

-- Replay plans per image; the highest version is current. plan_bytes is a replay plan file
-- (ReplayFiles format: header + zstd protobuf), served as is.
CREATE TABLE plans (
    image_id     bigint      NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    version      bigint      NOT NULL,
    plan_bytes   bytea       NOT NULL,
    trace_count  integer     NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (image_id, version)
);
ALTER TABLE plans ALTER COLUMN plan_bytes SET STORAGE EXTERNAL;

-- API tokens: only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           text        PRIMARY KEY,
    token_hash   bytea       NOT NULL,
    scopes       text[]      NOT NULL,
    app_pattern  text,
    description  text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
