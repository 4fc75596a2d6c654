from django.db import migrations

STATUS_LEVEL = {"adopted_city": "city", "adopted_province": "province", "adopted_national": "national"}


def ladder_and_first_proposers(apps, schema_editor):
    """Each adopted report gets one rung, its status's level (a city-level
    adoption by the CPPCC committee is the committee's rung), dated and by the
    body the report already names. Each proposal's first proposer is the one
    recorded first (the proposers' link with the lowest id)."""
    OpinionReport = apps.get_model("activities", "OpinionReport")
    OpinionAdoption = apps.get_model("activities", "OpinionAdoption")
    Proposal = apps.get_model("activities", "Proposal")
    rungs = []
    adopted = OpinionReport.objects.exclude(status="submitted").filter(adopted_on__isnull=False)
    for report in adopted.only("id", "status", "adopted_on", "adopted_by").iterator():
        level = STATUS_LEVEL[report.status]
        if level == "city" and report.adopted_by == "cppcc":
            level = "committee"
        rungs.append(
            OpinionAdoption(
                report_id=report.id, level=level, adopted_by=report.adopted_by or "other", adopted_on=report.adopted_on
            )
        )
    OpinionAdoption.objects.bulk_create(rungs, batch_size=1000)
    Through = Proposal.proposers.through
    first = {}
    for proposal_id, member_id in Through.objects.order_by("-id").values_list("proposal_id", "member_id").iterator():
        first[proposal_id] = member_id
    by_member = {}
    for proposal_id, member_id in first.items():
        by_member.setdefault(member_id, []).append(proposal_id)
    for member_id, ids in by_member.items():
        Proposal.objects.filter(id__in=ids).update(first_proposer_id=member_id)


class Migration(migrations.Migration):
    dependencies = [("activities", "0006_p22a_outcomes")]

    operations = [migrations.RunPython(ladder_and_first_proposers, migrations.RunPython.noop)]
