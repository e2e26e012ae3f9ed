-- trace-store schema, version 2.
-- Chunk digests are facts about an image, the same in every trace that reads the chunk, and were
-- four fifths of every stored profile. They are now kept once per image: each upload adds one row
-- with the digests its trace brought that the image did not have yet (keys as 8-byte big-endian
-- integers, digests as 32 raw sha256 bytes, in the same order), and its profile leaves out every
-- digest the image has. Rows stay when a trace is deleted (the digests still describe the image)
-- and go with the image. Profiles stored before this version still carry their own digests.
CREATE TABLE chunk_digests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    image_id    bigint NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    chunk_keys  bytea  NOT NULL,
    digests     bytea  NOT NULL,
    CONSTRAINT chunk_digests_lengths CHECK (octet_length(digests) = 4 * octet_length(chunk_keys))
);
ALTER TABLE chunk_digests ALTER COLUMN chunk_keys SET STORAGE EXTERNAL;
ALTER TABLE chunk_digests ALTER COLUMN digests SET STORAGE EXTERNAL;
CREATE INDEX chunk_digests_image_idx ON chunk_digests (image_id, id);

-- Without digests a profile is mostly small varints and zero tags, which lz4 shrinks to about a
-- third at little CPU cost (the trace file stays uncompressed here: it is zstd already).
ALTER TABLE traces ALTER COLUMN profile SET STORAGE EXTENDED;
ALTER TABLE traces ALTER COLUMN profile SET COMPRESSION lz4;
