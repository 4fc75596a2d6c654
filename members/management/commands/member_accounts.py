"""manage.py member_accounts [--group ID] [--committee CODE] [--xlsx FILE]: a shell
over members.accounts.member_accounts_issue (docs/it.md, "Member accounts")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from members.accounts import activation_address, member_accounts_issue, members_for_accounts
from members.codes import audit_codes_shown, codes_workbook
from sectors.models import Committee, committee_for_portal


class Command(BaseCommand):
    help = "Create member accounts with one-time activation codes (or new codes for accounts not yet activated)."

    def add_arguments(self, parser):
        parser.add_argument("--group", type=int, help="only the members of this sector group (id) today")
        parser.add_argument("--committee", help="the committee's code (default: the portal's committee)")
        parser.add_argument("--xlsx", help="also write the SMS-ready workbook to this file")

    def handle(self, *args, group=None, committee=None, xlsx=None, **options):
        if committee:
            found = Committee.objects.filter(code=committee).first()
            if found is None:
                raise CommandError(f"No committee with the code {committee!r}.")
        else:
            found = committee_for_portal()
        if group is not None and not found.sector_groups.filter(pk=group).exists():
            raise CommandError(f"No sector group with the id {group} in {found}.")
        issued = member_accounts_issue(members=members_for_accounts(committee=found, group_id=group))
        audit_codes_shown(issued=issued, where="manage.py member_accounts")
        self.stdout.write(f"Activation address: {activation_address()}")
        for i in issued:
            self.stdout.write(f"{i.member.member_number}\t{i.member.name}\t{i.group_name}\t{i.code}")
        self.stdout.write(f"{len(issued)} codes issued ({sum(i.created for i in issued)} new accounts).")
        if xlsx:
            Path(xlsx).write_bytes(codes_workbook(issued))
            self.stdout.write(f"Workbook written to {xlsx}.")
