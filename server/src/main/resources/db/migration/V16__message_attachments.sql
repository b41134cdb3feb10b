-- Treaty Exchange metadata, version 16: the documents attached to a secretariat message (issue 17, item 8).
-- Same portability rules as V1 (runs on Derby and PostgreSQL).
--
-- A secretariat message is one inbox item (item_id) queued for each recipient State; its attachments are
-- stored once, each in its own encrypted blob (its data key in document_key), and listed here in the order
-- the secretariat attached them. The signed inbox item names each one with its size and SHA-256.
CREATE TABLE message_attachment (
    item_id      VARCHAR(64)    NOT NULL,
    doc_index    INTEGER        NOT NULL,
    file_name    VARCHAR(1024)  NOT NULL,
    media_type   VARCHAR(255)   NOT NULL,
    size_bytes   BIGINT         NOT NULL,
    sha256       CHAR(64)       NOT NULL,
    blob_id      VARCHAR(64)    NOT NULL,
    CONSTRAINT message_attachment_pk PRIMARY KEY (item_id, doc_index)
);
