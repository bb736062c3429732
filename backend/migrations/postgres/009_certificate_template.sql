-- Each certificate as issued: copies for devices enrolled later are made from it, so they say
-- what the certificate said and never depend on today's registry.
CREATE TABLE certificate_template (
    certificate_id  BIGINT PRIMARY KEY NOT NULL REFERENCES certificate (id),
    holder_copy     BYTEA NOT NULL
);
