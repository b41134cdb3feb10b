-- Treaty Exchange metadata, version 4: SFTP manifests waiting for their document.
-- A manifest (<file>.manifest.json) is written into a drop folder before its document; it waits
-- here, keyed by State, folder and document name, until the document arrives (then it is consumed
-- in the filing's transaction) or it expires.
CREATE TABLE pending_manifest (
    state_code      VARCHAR(16)    NOT NULL,
    report_type     VARCHAR(128)   NOT NULL,
    confidentiality VARCHAR(32)    NOT NULL,
    file_name       VARCHAR(1024)  NOT NULL,
    account         VARCHAR(128)   NOT NULL,
    manifest        VARCHAR(16000) NOT NULL,
    received_at     TIMESTAMP      NOT NULL,
    CONSTRAINT pending_manifest_pk PRIMARY KEY (state_code, report_type, confidentiality, file_name)
);
