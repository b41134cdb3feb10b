-- Treaty Exchange metadata, version 17: a filing's title, as the State chose it (issue 17): the portal's form, the
-- SFTP manifest's optional "title", the signed envelope's "title". Null when the filing said none (and for every
-- filing from before this version): the document's name stands in wherever a title is shown or searched.
-- At most 300 characters (DocumentNames.MAX_TITLE_CHARS, checked before a byte is kept); 600 here because Derby counts
-- UTF-16 units, in which 300 characters outside the Basic Multilingual Plane take 600. Same portability rules as V1.
ALTER TABLE filing ADD COLUMN title VARCHAR(600);
