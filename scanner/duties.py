"""Duties: what breach-notification laws ask after a leak like the one a scan found.

From a ``ScanResult`` (its personal findings, their categories, the people affected, the
audience and external members who could read them) this assesses, for each law, whether
the findings trigger it and why, what it asks, the approximate numbers of people and
records, the categories of data and the likely consequences:

- GDPR Art. 33: notify the supervisory authority within 72 hours of becoming aware of a
  personal data breach, unless it is unlikely to result in a risk to people's rights and
  freedoms (and document every breach, Art. 33(5));
- GDPR Art. 34: tell the people without undue delay when the risk is high;
- PIPL Art. 57: take remedial measures at once and notify the authority and the people
  (the people need not be told when the measures effectively avoid harm);
- HIPAA Breach Notification Rule (45 CFR 164.400-414): for unsecured protected health
  information, tell the people within 60 days, HHS (within 60 days when 500 or more people,
  else in the yearly log), and prominent media when more than 500 residents of one state.

A scan sees chat text, not the organisation: whether a law applies to the organisation,
and what the risk really is, are for a person to decide. Every duty says so (not legal
advice), in English and in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from scanner.model import Category, ConversationKind, Duty, Finding, ScanResult

DISCLAIMER = (
    "This is an automated first assessment from the scan, not legal advice: whether a law applies "
    "and how high the risk is must be decided by your data protection officer or lawyer."
)
DISCLAIMER_ZH = (
    "这是根据扫描结果自动生成的初步评估，不构成法律意见："
    "法律是否适用、风险高低，须由您的数据保护负责人或律师判断。"
)

# GDPR Art. 9 special categories (health, beliefs, sex life …), as chatsweep detects them.
SPECIAL = frozenset({"HEALTH_INFO", "SPECIAL_CATEGORY", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID"})
# Health data: with an identifier, protected health information (HIPAA).
HEALTH = frozenset({"HEALTH_INFO", "MEDICAL_RECORD_NUMBER", "HEALTH_PLAN_ID"})
# Identity documents and financial accounts: identity theft and fraud; PIPL Art. 28 counts
# specific identity and financial accounts as sensitive personal information.
IDENTITY = frozenset(
    {
        "US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE", "UK_NHS", "UK_NINO", "CN_RESIDENT_ID", "CN_PASSPORT",
        "HK_ID", "TW_ID", "MO_ID", "CN_TRAVEL_PERMIT",
    }
)  # fmt: skip
FINANCIAL = frozenset({"CREDIT_CARD", "IBAN_CODE", "CN_BANK_CARD"})
CONTACT = frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER"})
# Identifiers that show the data concerns people in mainland China (PIPL).
CHINESE = frozenset({"CN_RESIDENT_ID", "CN_PASSPORT", "CN_BANK_CARD", "CN_LICENSE_PLATE", "CN_TRAVEL_PERMIT"})
# An audience this large is beyond the people who needed to know.
WIDE_AUDIENCE = 50
HIPAA_LARGE = 500


@dataclass(frozen=True, slots=True)
class Exposure:
    """What the scan knows of a leak: the facts every law's assessment starts from."""

    findings: tuple[Finding, ...]  # personal findings not triaged as false positives
    subjects: int
    records: int
    categories: tuple[str, ...]
    special: tuple[str, ...]
    identity: tuple[str, ...]
    health_subjects: int
    widest: int | None  # the largest audience of any occurrence, when known
    externals: int | None  # external or guest members of conversations holding them, when known
    channel: bool  # posted in a channel
    secrets: bool
    chinese: bool  # Chinese identifiers, or Chinese messages

    @property
    def wide(self) -> bool:
        return bool(self.externals) or (self.widest or 0) >= WIDE_AUDIENCE or self.channel

    @property
    def serious(self) -> bool:
        return bool(self.special or self.identity)


def attach(result: ScanResult) -> ScanResult:
    """``result`` with its duties assessed (``ScanResult.duties``)."""
    return replace(result, duties=assess(result))


def assess(result: ScanResult) -> tuple[Duty, ...]:
    x = exposure(result)
    return (_gdpr_33(x), _gdpr_34(x), _pipl_57(x), _hipaa(x))


def _is_health(f: Finding) -> bool:
    return f.entity_type in HEALTH or (
        f.entity_type == "SPECIAL_CATEGORY" and (f.detail or "").lower().startswith(("health", "健康"))
    )


def exposure(result: ScanResult) -> Exposure:
    personal = tuple(
        f
        for f in result.findings
        if f.category is Category.PERSONAL
        and not (f.triage is not None and f.triage.status == "false_positive")
    )
    types = sorted({f.entity_type for f in personal})
    health = [f for f in personal if _is_health(f)]
    if result.subjects:
        subjects = len(result.subjects)
        health_ids = {f.id for f in health}
        health_subjects = sum(1 for s in result.subjects if health_ids & set(s.identifiers))
    else:
        # No people grouped: each distinct personal value stands for one person (approximate).
        subjects = len(personal)
        health_subjects = len(health)
    occurrences = [o for f in personal for o in f.occurrences]
    places = {(o.input, o.conversation_id) for o in occurrences}
    externals = None
    if result.conversations:
        externals = sum(
            c.external_members or 0 for c in result.conversations if (c.input, c.conversation_id) in places
        )
    return Exposure(
        findings=personal,
        subjects=subjects,
        records=sum(f.occurrence_count for f in personal),
        categories=tuple(types),
        special=tuple(t for t in types if t in SPECIAL),
        identity=tuple(t for t in types if t in IDENTITY | FINANCIAL),
        health_subjects=health_subjects,
        widest=max((o.audience for o in occurrences if o.audience is not None), default=None),
        externals=externals,
        channel=any(o.conversation_kind == ConversationKind.CHANNEL.value for o in occurrences),
        secrets=any(f.category is Category.SECRET for f in result.findings),
        chinese=bool(set(types) & CHINESE) or result.languages.get("zh", 0) > 0,
    )


# --- the facts, said in both languages ---------------------------------------------------


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def _facts(x: Exposure, whole: bool = True) -> tuple[list[str], list[str]]:
    """Why, as short clauses: (English, Chinese). Without ``whole``, only the exposure."""
    en = [f"personal data of about {_people(x.subjects)} ({x.records} occurrence(s))"]
    zh = [f"约 {x.subjects} 人的个人信息（{x.records} 处）"]
    if not whole:
        en, zh = [], []
    if x.special and whole:
        en.append(f"special-category data ({', '.join(x.special)})")
        zh.append(f"敏感/特殊类别数据（{', '.join(x.special)}）")
    if x.identity and whole:
        en.append(f"identity or financial numbers ({', '.join(x.identity)})")
        zh.append(f"身份证件或金融账户号码（{', '.join(x.identity)}）")
    if x.externals:
        en.append(f"readable by {x.externals} external or guest member(s)")
        zh.append(f"{x.externals} 名外部或访客成员可读")
    if x.widest is not None:
        en.append(f"in conversations of up to {x.widest} members")
        zh.append(f"所在会话最多 {x.widest} 名成员")
    if x.channel:
        en.append("posted in a channel")
        zh.append("发布在频道中")
    return en, zh


def _consequences(x: Exposure) -> tuple[str, str]:
    types = set(x.categories)
    en: list[str] = []
    zh: list[str] = []
    if types & IDENTITY:
        en.append("identity theft and fraud in the person's name")
        zh.append("身份盗用和冒名欺诈")
    if types & FINANCIAL:
        en.append("financial loss through card or account fraud")
        zh.append("银行卡或账户被盗刷造成的经济损失")
    if x.special:
        en.append("discrimination, distress and loss of confidentiality of health or other special data")
        zh.append("健康等敏感信息泄露带来的歧视、困扰和保密性丧失")
    if types & CONTACT:
        en.append("phishing, spam and scam calls aimed at the person")
        zh.append("针对本人的钓鱼、垃圾信息和诈骗电话")
    if "LOCATION" in types:
        en.append("unwanted contact or physical risk at the address")
        zh.append("在住址处遭到骚扰或人身风险")
    if "DATE_OF_BIRTH" in types:
        en.append("easier impersonation (dates of birth answer security questions)")
        zh.append("更易被冒充（出生日期常用于身份核验）")
    if x.secrets:
        en.append("access to systems holding more personal data through credentials leaked alongside")
        zh.append("同时泄露的凭据可能被用来访问存有更多个人信息的系统")
    if not en:
        en.append("loss of confidentiality of the people named")
        zh.append("相关人员信息的保密性丧失")
    return "; ".join(en) + ".", "；".join(zh) + "。"


def _duty(
    key: str,
    law: tuple[str, str],
    triggered: bool,
    why: tuple[str, str],
    asks: tuple[str, str],
    x: Exposure,
    subjects: int | None = None,
    categories: Sequence[str] | None = None,
    records: int | None = None,
) -> Duty:
    consequences = _consequences(x) if x.findings else ("None from this scan.", "本次扫描未发现。")
    return Duty(
        law=law[0],
        triggered=triggered,
        why=why[0],
        asks=asks[0],
        subjects=x.subjects if subjects is None else subjects,
        records=x.records if records is None else records,
        categories=tuple(x.categories if categories is None else categories),
        consequences=consequences[0],
        key=key,
        disclaimer=DISCLAIMER,
        zh={
            "law": law[1],
            "why": why[1],
            "asks": asks[1],
            "consequences": consequences[1],
            "disclaimer": DISCLAIMER_ZH,
        },
    )


def _joined(parts: Iterable[str], sep: str = ", ") -> str:
    return sep.join(parts)


_NOTHING = (
    "No personal data was found (or all of it was triaged as false positive).",
    "未发现个人信息（或均已标记为误报）。",
)


def _gdpr_33(x: Exposure) -> Duty:
    law = ("GDPR Art. 33", "GDPR 第 33 条")
    asks = (
        "Notify the supervisory authority without undue delay and within 72 hours of becoming aware of the "
        "breach, unless it is unlikely to result in a risk to people's rights and freedoms; describe the "
        "categories and approximate numbers of people and records, the likely consequences and the measures "
        "taken. Document every breach, notified or not (Art. 33(5)).",
        "在知悉个人数据泄露后 72 小时内（无不当延误）通知监管机构，"
        "除非该泄露不太可能对个人权利和自由造成风险；"
        "说明数据类别、涉及人数和记录的大致数量、可能后果及已采取的措施。"
        "无论是否通知，都须记录每一次泄露（第 33(5) 条）。",
    )
    if not x.findings:
        return _duty("gdpr_art33", law, False, _NOTHING, asks, x)
    en, zh = _facts(x)
    risky = x.serious or x.wide or x.subjects >= WIDE_AUDIENCE
    if risky:
        why = ("Triggered: " + _joined(en) + ".", "触发：" + _joined(zh, "，") + "。")
    else:
        why = (
            "Probably not triggered: "
            + _joined(en)
            + ", only names or contact details before a small audience, which is unlikely to result in a "
            "risk; record the breach and your reasoning.",
            "可能不触发："
            + _joined(zh, "，")
            + "，仅为姓名或联系方式且受众范围小，不太可能造成风险；请记录此次泄露及判断理由。",
        )
    return _duty("gdpr_art33", law, risky, why, asks, x)


def _gdpr_34(x: Exposure) -> Duty:
    law = ("GDPR Art. 34", "GDPR 第 34 条")
    asks = (
        "When the breach is likely to result in a high risk, tell the people concerned without undue delay, "
        "in clear language: what happened, the likely consequences, the measures taken and what they can do, "
        "and a contact point. Not needed when the data was made unintelligible or the risk no longer likely.",
        "当泄露可能对个人造成高风险时，须无不当延误地以清晰语言告知相关个人：发生了什么、可能后果、已采取的措施、"
        "他们可采取的措施以及联系人。若数据已无法识别或高风险已不太可能发生，则无需告知。",
    )
    if not x.findings:
        return _duty("gdpr_art34", law, False, _NOTHING, asks, x)
    en, zh = _facts(x)
    high = x.serious and x.wide
    if high:
        why = (
            "Triggered (high risk): " + _joined(en) + ".",
            "触发（高风险）：" + _joined(zh, "，") + "。",
        )
    elif x.serious:
        why = (
            "Possibly: "
            + _joined(en)
            + "; seen by a small audience only, so the risk may not be high. Assess who read it.",
            "可能触发：" + _joined(zh, "，") + "；仅小范围可见，风险未必高，请评估实际读者。",
        )
    else:
        why = (
            "Probably not triggered: no special-category, identity or financial data among the findings.",
            "可能不触发：未发现特殊类别、身份证件或金融账户数据。",
        )
    return _duty("gdpr_art34", law, high, why, asks, x)


def _pipl_57(x: Exposure) -> Duty:
    law = ("PIPL Art. 57", "《个人信息保护法》第五十七条")
    asks = (
        "When personal information leaks or may have leaked, take remedial measures at once and notify the "
        "personal-information protection authority and the individuals: the categories of information, the "
        "cause and possible harm, the measures taken and what individuals can do, and a contact. Individuals "
        "need not be told when the measures effectively avoid harm, unless the authority requires it.",
        "发生或者可能发生个人信息泄露的，应当立即采取补救措施，并通知履行个人信息保护职责的部门和个人：信息种类、"
        "原因和可能造成的危害、已采取的补救措施和个人可采取的措施、联系方式。采取措施能够有效避免危害的，可以不通知个人，"
        "但履行职责的部门认为可能造成危害的，有权要求通知。",
    )
    if not x.findings:
        return _duty("pipl_art57", law, False, _NOTHING, asks, x)
    en, zh = _facts(x)
    if x.chinese:
        why = (
            "Triggered: "
            + _joined(en)
            + "; Chinese identifiers or Chinese-language messages suggest people in China.",
            "触发：" + _joined(zh, "，") + "；存在中国身份标识或中文消息，涉及境内自然人的可能性大。",
        )
    else:
        why = (
            "Probably not applicable: "
            + _joined(en)
            + ", but no Chinese identifiers or Chinese-language messages; it applies when you process "
            "personal information in China or of people in China.",
            "可能不适用："
            + _joined(zh, "，")
            + "，但未发现中国身份标识或中文消息；在境内处理或处理境内自然人个人信息时适用。",
        )
    return _duty("pipl_art57", law, x.chinese, why, asks, x)


def _hipaa(x: Exposure) -> Duty:
    law = ("HIPAA Breach Notification Rule", "HIPAA 违规通知规则")
    n = x.health_subjects
    if n >= HIPAA_LARGE:
        hhs = ("HHS at the same time (500 or more people)", "同时通知美国卫生与公众服务部（500 人及以上）")
    else:
        hhs = (
            "HHS in the yearly log, within 60 days of the end of the calendar year (fewer than 500 people)",
            "在日历年结束后 60 天内向美国卫生与公众服务部年度报告（少于 500 人）",
        )
    asks = (
        "For unsecured protected health information: tell each person without unreasonable delay and within "
        f"60 days of discovery; notify {hhs[0]}; and prominent media outlets when more than 500 residents of "
        "one state or jurisdiction are affected.",
        f"对于未加密保护的健康信息：在发现后 60 天内（无不合理延误）通知每位当事人；{hhs[1]}；"
        "若某一州或辖区受影响居民超过 500 人，还须通知当地主要媒体。",
    )
    health = tuple(sorted({f.entity_type for f in x.findings if _is_health(f)}))
    if not health:
        why = ("Not triggered: no health information among the findings.", "不触发：未发现健康信息。")
        return _duty("hipaa_breach", law, False, why, asks, x, subjects=0, categories=(), records=0)
    identified = bool(set(x.categories) - set(health))
    en, zh = _facts(x, whole=False)
    why = (
        "Triggered if you are a HIPAA covered entity or business associate: health information of about "
        f"{_people(n)} ({', '.join(health)})"
        + (", beside identifiers" if identified else "")
        + "".join(f", {e}" for e in en)
        + "; unless a risk assessment shows a low probability that it was compromised.",
        f"若您属于 HIPAA 适用实体或业务伙伴则触发：约 {n} 人的健康信息（{', '.join(health)}）"
        + ("，并伴有身份标识" if identified else "")
        + "".join(f"，{z}" for z in zh)
        + "；除非风险评估表明信息被泄露的可能性低。",
    )
    records = sum(f.occurrence_count for f in x.findings if _is_health(f))
    return _duty("hipaa_breach", law, True, why, asks, x, subjects=n, categories=health, records=records)
