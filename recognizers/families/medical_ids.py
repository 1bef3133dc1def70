"""HIPAA identifiers that chat text can show: MEDICAL_RECORD_NUMBER and HEALTH_PLAN_ID.

HIPAA Safe Harbor lists medical record numbers (H) and health-plan beneficiary numbers (I)
among the 18 identifiers. Neither has a national layout or checksum: hospitals and insurers
pick their own (MRN 00123456, 住院号ZY20240611003, member ID XYZ123456789), so without the
keyword in front they are indistinguishable from order numbers. Both are therefore reported
only right after their keyword, with a short gap of words between ("medical record number
for the patient is …", "病历号：…"). The one exception is the US Medicare Beneficiary
Identifier (MBI), whose 11-character layout is fixed by CMS: written with its hyphens
(1EG4-TE5-MK73) it is specific enough to report as possible on its own.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer

from recognizers import exclusions
from recognizers.families._base import FamilyRecognizer, Rule, Verdict, context, rule

ENTITIES: tuple[str, ...] = ("MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID")

# Between keyword and value: up to 24 characters of words and punctuation ("number", "is",
# "：", "no.", "for the patient"), but no digit (the first number after the keyword is the
# value) and no sentence end. The value: up to 4 letters of prefix, then a digit, then 3–20 letters,
# digits or hyphens, ending on a letter or digit.
_GAP = r"(?:[^0-9\n。.!?！？;；]|(?<=[Nn]o)\.){0,24}?"
_VALUE = r"(?<![0-9A-Za-z])(?P<value>[A-Za-z]{0,4}-?[0-9][0-9A-Za-z\-]{2,19}[0-9A-Za-z])(?![0-9A-Za-z\-])"

_MRN = rule(
    "medical_record_number",
    rf"""
    (?P<keyword>
        (?i: MRN | MR[ ]?\# | medical[ ]record(?:[ ](?:number|no\.?|\#))? | medical[ ]records?[ ]id
           | patient[ ](?:id|number|no\.?|\#) | chart[ ](?:number|no\.?|\#) | hospital[ ](?:number|no\.?) )
      | 病历号码? | 病歷號碼? | 病历编号 | 病歷編號 | 病历卡号 | 病案号 | 病案號 | 住院号 | 住院號
      | 门诊号 | 門診號 | 就诊卡号 | 就診卡號 | 就诊号 | 就診號 | 患者编号 | 患者ID | 病人编号 | 病人ID
    )
    {_GAP}
    {_VALUE}
    """,
    0.75,
)

_PLAN = rule(
    "health_plan_id",
    rf"""
    (?P<keyword>
        (?i: member[ ](?:id|number|no\.?|\#) | subscriber[ ](?:id|number|no\.?)
           | (?:health[ ])?insurance[ ](?:id|number|no\.?|card[ ](?:number|no\.?))
           | health[ ]plan(?:[ ](?:id|number|no\.?))? | plan[ ]member[ ]id
           | medicare(?:[ ](?:number|no\.?|id|card))? | medicaid(?:[ ](?:number|no\.?|id))?
           | MBI | beneficiary[ ](?:id|number) )
      | 医保卡号 | 醫保卡號 | 医保号 | 醫保號 | 医保账号 | 医保编号 | 社保卡号 | 社保卡號 | 社保号
      | 医疗保险号 | 醫療保險號 | 参保号 | 参保人编号 | 健保卡号 | 健保卡號 | 保险卡号 | 保險卡號
    )
    {_GAP}
    {_VALUE}
    """,
    0.75,
)

# CMS's MBI: digit 1–9, letter, letter-or-digit, digit, letter, letter-or-digit, digit,
# letter, letter, digit, digit; letters never S, L, O, I, B or Z. Hyphens after 4 and 7.
_MBI_LETTER = "AC-HJKMNP-RT-Y"
_MBI = rule(
    "medicare_mbi",
    rf"""
    (?<![0-9A-Za-z\-])
    (?P<value>[1-9][{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-[{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-[{_MBI_LETTER}]{{2}}[0-9]{{2}})
    (?![0-9A-Za-z\-])
    """,
    0.5,
)


def _plausible(value: str) -> bool:
    """At least 4 digits, not filler (0000000), not a date (1990-01-01, 20240611)."""
    digits = "".join(c for c in value if c.isdigit())
    return (
        len(digits) >= 4
        and len(set(digits)) > 1
        and not exclusions.is_date_shaped(value)
        and not (len(value) == 8 and exclusions.is_timestamp(value))
    )


class MedicalRecordNumberRecognizer(FamilyRecognizer):
    """MEDICAL_RECORD_NUMBER: an id right after MRN / medical record / 病历号 / 住院号 …"""

    ENTITIES = ("MEDICAL_RECORD_NUMBER",)
    RULES = (_MRN,)
    CONTEXT = context(
        en=("mrn", "medical", "record", "patient", "chart"), zh=("病历号", "住院号", "门诊号", "病案号")
    )
    PREFILTER = re.compile(
        r"(?i:MRN|MR[ ]?#|medical[ ]record|patient|chart|hospital)"
        r"|病历|病歷|病案|住院|门诊|門診|就诊|就診|患者|病人"
    )
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        if not _plausible(match.group("value")):
            return None
        return Verdict(
            rule.score,
            "record-number shape right after a medical-record keyword",
            context_word=match.group("keyword"),
        )


class HealthPlanIdRecognizer(FamilyRecognizer):
    """HEALTH_PLAN_ID: member, insurance, Medicare/Medicaid and 医保/社保/健保 numbers."""

    ENTITIES = ("HEALTH_PLAN_ID",)
    RULES = (_PLAN, _MBI)
    CONTEXT = context(
        en=("member", "insurance", "medicare", "medicaid", "mbi", "subscriber"),
        zh=("医保卡号", "医保号", "社保卡号", "健保卡号"),
    )
    PREFILTER = re.compile(
        r"(?i:member|subscriber|insurance|health[ ]plan|medicare|medicaid|MBI|beneficiary)"
        r"|医保|醫保|社保|医疗保险|醫療保險|参保|健保|保险卡|保險卡"
        rf"|[1-9][{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-"
    )
    OWN_CONTEXT = True  # keywords are weighed in check(); Presidio's enhancer must not add more

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        if rule is _MBI:
            return Verdict(rule.score, "US Medicare Beneficiary Identifier layout (CMS), with its hyphens")
        if not _plausible(match.group("value")):
            return None
        return Verdict(
            rule.score,
            "member-number shape right after a health-plan or insurance keyword",
            context_word=match.group("keyword"),
        )


def recognizers(language: str) -> list[EntityRecognizer]:
    """The medical-record and health-plan recognizers for ``language``."""
    return [MedicalRecordNumberRecognizer(language), HealthPlanIdRecognizer(language)]
