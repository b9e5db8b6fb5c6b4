-- What a submission carries besides its answers: the signed JSON receipt
-- made at submit (the PDF is made from it on download), and the list of
-- attached files (JSON: [{"path","id","name","content_type","size"}], id
-- being the SHA-256 of the content in the blob store). form_title is the
-- form's bokmål title at the time, for lists that should not parse the
-- definition.
ALTER TABLE forms_submissions ADD COLUMN receipt TEXT NOT NULL DEFAULT '';
ALTER TABLE forms_submissions ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE forms_submissions ADD COLUMN form_title TEXT NOT NULL DEFAULT '';
