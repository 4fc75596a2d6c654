"""The platform below every app: code that knows no domain model (clock, cache, faults,
paging, widgets, spreadsheets, exports, validators and masking, roles, the view decorator,
the import framework). It imports no app; the apps import it."""
