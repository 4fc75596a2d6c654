"""The year-end bulletin paragraph, in the style of the source article:

  29个界别活动组开展学习260次，参与4126人次；建立“界别工作站”36个，通过工作站报送社情民意信息21条；
  召开“界别协商会”53次，参与618人次；开展界别活动月服务活动64次，其中12月31次；
  23个界别组织“界别述职会”，参与述职委员400人。

Both languages are data (staff paste them into reports), not interface text:
they do not follow the user's language. A figure that is zero drops out of the
sentence rather than reading "0次"; a clause whose figures are all zero drops
out whole. The subject (the committee's groups, or one group) opens the first
clause that remains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .figures import PeriodFigures


def _join(parts: list[str], sep: str) -> str:
    return sep.join(part for part in parts if part)


def _zh_stations(f: PeriodFigures) -> str:
    """「建立」 counts the stations set up in the period, 「运行」 those kept open
    (reports.figures): all of them new, as in the article's first year, reads
    「建立…36个」; else 「运行…N个」 and how many of them are new."""
    if not f.workstations:
        return ""
    if f.workstations_established == f.workstations:
        return f"建立“界别工作站”{f.workstations}个"
    new = f"，其中新建{f.workstations_established}个" if f.workstations_established else ""
    return f"运行“界别工作站”{f.workstations}个{new}"


def _zh_clauses(f: PeriodFigures) -> list[str]:
    grouped = bool(f.group_id)
    study = _join(
        [
            f"开展学习{f.study_sessions}次" if f.study_sessions else "",
            f"参与{f.study_participant_times}人次" if f.study_sessions and f.study_participant_times else "",
        ],
        "，",
    )
    stations = _join(
        [
            _zh_stations(f),
            f"通过工作站报送社情民意信息{f.workstation_opinion_reports}条" if f.workstation_opinion_reports else "",
        ],
        "，",
    )
    consultation = _join(
        [
            f"召开“界别协商会”{f.consultation_meetings}次" if f.consultation_meetings else "",
            f"参与{f.consultation_participant_times}人次"
            if f.consultation_meetings and f.consultation_participant_times
            else "",
        ],
        "，",
    )
    services = _join(
        [
            f"开展界别活动月服务活动{f.service_activities}次" if f.service_activities else "",
            f"其中12月{f.december_service_activities}次"
            if f.service_activities and f.december_service_activities
            else "",
        ],
        "，",
    )
    if grouped:
        held = "组织“界别述职会”" if f.duty_report_groups else ""
    else:
        held = f"{f.duty_report_groups}个界别组织“界别述职会”" if f.duty_report_groups else ""
    duty = _join([held, f"参与述职委员{f.duty_reporters}人" if f.duty_reporters else ""], "，")
    return [clause for clause in (study, stations, consultation, services, duty) if clause]


def bulletin_zh(f: PeriodFigures) -> str:
    """The paragraph; a running period's opens 「截至12月4日，」 (reports.figures.running_span)."""
    from .figures import as_of_zh

    opening = f"{as_of_zh(f.as_of)}，" if f.as_of else ""
    clauses = _zh_clauses(f)
    if not clauses:
        return opening + "本期间没有可统计的界别工作。"
    subject = f"{f.group_name}界别活动组" if f.group_id else (f"{f.groups}个界别活动组" if f.groups else "")
    if not clauses[0][0].isdigit():  # "23个界别组织…" names its own subject
        clauses[0] = subject + clauses[0]
    return opening + "；".join(clauses) + "。"


def _n(count: int, singular: str, plural: str) -> str:
    return f"{count:,} {singular if count == 1 else plural}"


def _en_clauses(f: PeriodFigures) -> list[str]:
    grouped = bool(f.group_id)
    clauses = []
    if f.study_sessions:
        text = f"held {_n(f.study_sessions, 'study session', 'study sessions')}"
        if f.study_participant_times:
            text += f" with {_n(f.study_participant_times, 'participant-time', 'participant-times')}"
        clauses.append(text)
    stations = []
    if f.workstations:
        text = f"kept {_n(f.workstations, 'sector workstation', 'sector workstations')}"
        if 0 < f.workstations_established < f.workstations:
            text += f" ({f.workstations_established:,} set up in the period)"
        stations.append(text)
    if f.workstation_opinion_reports:
        reports = _n(f.workstation_opinion_reports, "public-opinion report", "public-opinion reports")
        stations.append(
            f"through which {reports} were submitted" if f.workstations else f"submitted {reports} through workstations"
        )
    if stations:
        clauses.append(", ".join(stations))
    if f.consultation_meetings:
        text = f"held {_n(f.consultation_meetings, 'sector consultation meeting', 'sector consultation meetings')}"
        if f.consultation_participant_times:
            text += f" with {_n(f.consultation_participant_times, 'participant-time', 'participant-times')}"
        clauses.append(text)
    if f.service_activities:
        text = f"held {_n(f.service_activities, 'service activity', 'service activities')} of the activity month"
        if f.december_service_activities:
            text += f", {f.december_service_activities:,} of them in December"
        clauses.append(text)
    duty = []
    if f.duty_report_groups:
        duty.append(
            "held a duty-report meeting"
            if grouped
            else f"{_n(f.duty_report_groups, 'group', 'groups')} held a duty-report meeting"
        )
    if f.duty_reporters:
        reporters = _n(f.duty_reporters, "member", "members")
        duty.append(f"at which {reporters} reported" if duty else f"{reporters} reported on their duties")
    if duty:
        clauses.append(", ".join(duty))
    return clauses


def bulletin_en(f: PeriodFigures) -> str:
    opening = f"As of {f.as_of:%B} {f.as_of.day}, " if f.as_of else ""
    text = _bulletin_en(f)
    return opening + text[0].lower() + text[1:] if opening else text


def _bulletin_en(f: PeriodFigures) -> str:
    clauses = _en_clauses(f)
    if not clauses:
        return "No sector work was recorded in this period."
    if f.group_id:
        subject = f"The {f.group_name} sector activity group"
    else:
        subject = f"The {_n(f.groups, 'sector activity group', 'sector activity groups')}" if f.groups else "Groups"
    if clauses[0][0].isdigit():
        text = "; ".join(clauses)
        return text[0].upper() + text[1:] + "."
    return subject + " " + "; ".join(clauses) + "."
