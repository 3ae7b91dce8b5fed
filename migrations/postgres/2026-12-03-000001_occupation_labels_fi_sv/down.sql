ALTER TABLE esco_occupations DROP COLUMN description_fi;
ALTER TABLE esco_occupations DROP COLUMN alt_labels_sv;
ALTER TABLE esco_occupations DROP COLUMN alt_labels_fi;
