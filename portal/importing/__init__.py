"""The framework of bulk imports of staff-made spreadsheets; knows no domain model.

The layers, bottom up:

- `reading`: what the file really is (sniffed, never trusted from its name),
  the limits checked before anything is inflated, and the rows of its first
  sheet as Python values (python-calamine for workbooks, csv for text).
- `cells`: one cell's normalising and parsing (full-width characters, dates in
  every form people type, ID-card and mobile numbers Excel may have damaged).
- `base`: the sheet's header row found under title rows, columns matched by
  their accepted headers, and the plan an importer makes: rows to create,
  update, leave alone, and rejected rows with their column and reason.
- `registry`: which importer reads which kind of sheet; each app registers its own
  when it is loaded (the roster's in sectors.importers, activities' in activities.imports).
- `bulk`: inserts with history rows and reserved ids, in one statement per table.

The domain's importers and the ImportRun record's life live in the apps (sectors.importers).
"""
