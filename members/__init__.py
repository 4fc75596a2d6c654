"""The members' own side of the portal (委员端): a member signed in on their phone
sees their own file, answers meeting notices, checks in at meetings and reports
their own work for review. It stands on reports, activities and sectors; its
views declare roles.MEMBER (or the staff roles that review what members send)."""
