"""Ids beyond the database's integer range match no row.

Django already treats `pk=99999999999999999999999` as "no such row" (its
`exact` lookup on integer fields checks the range). Its `in` lookup does not:
SQLite's driver raises OverflowError, a 500 for any form or filter that takes
several ids (`?groups=99999999999999999999999`). This `in` drops the
out-of-range values first, at the one place every form field, filter and
admin page goes through, so each of them answers as for an unknown id.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            kept = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
            if not kept:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)
