-- Finding 10: private keys leave the database for the key file the server reads at start.
-- On the first start after this migration the server copies every private key still here
-- (issuer_key.pkcs8, the setting 'root-key') into the key file, then empties the column and
-- deletes the setting; new keys never enter it (the column stays, empty, so that older rows
-- need no rewrite of the table). A key may also be marked compromised: distrusted outright.
ALTER TABLE issuer_key ADD COLUMN compromised_at INTEGER;
