"""Members' duty points (履职积分): the year's point rules as data (models), a pure
engine (engine.py), the facts gathered once per year (facts.py), appeals and the
frozen points of a closed year (services.py), and the annual report documents
(documents.py)."""
