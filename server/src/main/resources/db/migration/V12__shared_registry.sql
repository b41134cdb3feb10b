-- The registry every node of a cluster uses (PostgreSQL deployments): each publication of
-- config/registry.yaml is a new generation; nodes compare their generation with the newest on every
-- authentication, so a revocation published through one node holds on all from the next request.
-- The YAML text is kept in chunks of at most 8000 characters: VARCHAR means the same on Derby and
-- PostgreSQL, where their large-text types differ.
CREATE TABLE registry_version (
    generation   BIGINT        NOT NULL,
    sha256       VARCHAR(64)   NOT NULL,
    chunks       INTEGER       NOT NULL,
    published_at TIMESTAMP     NOT NULL,
    published_by VARCHAR(256)  NOT NULL,
    CONSTRAINT registry_version_pk PRIMARY KEY (generation)
);

CREATE TABLE registry_chunk (
    generation BIGINT        NOT NULL,
    part       INTEGER       NOT NULL,
    content    VARCHAR(8000) NOT NULL,
    CONSTRAINT registry_chunk_pk PRIMARY KEY (generation, part),
    CONSTRAINT registry_chunk_version_fk FOREIGN KEY (generation) REFERENCES registry_version (generation)
);
