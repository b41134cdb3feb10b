-- Treaty Exchange metadata, version 8: finding the newest version of a document must not grow with
-- its number of versions (issue 7, bench part d). Same portability rules as V1 (runs on Derby and
-- PostgreSQL).
--
-- latestByName and currentByName ask for the highest id under one (State, report type, level, name).
-- With the name index ascending on id, Derby read and sorted every version of that name to find it,
-- on each new filing, inside the writers' turn. Descending on id, the newest version is the first
-- entry of the index range and the query stops there (PostgreSQL could scan either direction).
DROP INDEX filing_name_idx;
CREATE INDEX filing_name_idx ON filing (state_code, report_type, confidentiality, file_name, id DESC);
