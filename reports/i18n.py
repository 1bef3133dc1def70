# Whole sentences read better on one line each than split mid-phrase.
# ruff: noqa: E501
"""Report labels in English and Chinese: one table, one function to look a label up.

Every label, heading and piece of advice the HTML report and the command line's summary
show comes from :data:`TEXTS`, keyed by a short name, with an ``en`` and a ``zh`` text
(a test checks that every key has both). Texts are ``str.format`` templates; counted
nouns go through :func:`plural` ("1 message", "2 messages"; Chinese has no plural).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("en", "zh")
# What ``--report-lang`` accepts: auto picks zh when most scanned messages are Chinese.
REPORT_LANGS = ("auto", *LANGS)

TEXTS: Mapping[str, Mapping[str, str]] = {
    # page
    "title": {"en": "Personal data and secrets leak report", "zh": "个人信息泄露报告"},
    "page_title": {"en": "{tool} leak report · {when}", "zh": "{tool} 个人信息泄露报告 · {when}"},
    "confidential": {"en": "CONFIDENTIAL", "zh": "机密"},
    "confidential_note": {
        "en": "CONFIDENTIAL: this report says where personal data is. Keep it like the export itself.",
        "zh": "机密：本报告指明个人信息所在位置，请按原始导出数据同等级别保管。",
    },
    "scanned_meta": {"en": "Scanned {when} · took {took}", "zh": "扫描于 {when} · 用时 {took}"},
    "values_masked": {
        "en": "Values are masked; fingerprints are keyed hashes. The report still says where personal data is: keep it confidential.",
        "zh": "数值已脱敏；指纹为带密钥的哈希。本报告仍指明个人信息所在位置，请妥善保密。",
    },
    "values_shown_title": {"en": "Values shown.", "zh": "已显示明文。"},
    "values_shown": {
        "en": "This report contains the detected personal data and secrets in clear text. Store and share it like the export itself, and delete it when done.",
        "zh": "本报告包含检出的个人信息和密钥明文。请按原始导出数据同等级别保管和分享，用毕即删除。",
    },
    "noscript": {
        "en": "Scripts are off: findings are listed most severe first, without search or filters.",
        "zh": "脚本已关闭：发现按严重程度排列，无搜索和筛选。",
    },
    "noscript_cut": {
        "en": "Only the first {shown} of {total} findings are listed here; the JSON and CSV reports list every finding.",
        "zh": "此处仅列出 {total} 项发现中的前 {shown} 项；JSON 和 CSV 报告列出全部发现。",
    },
    "footer": {
        "en": "Generated offline by {tool} {version}. Offsets are code points in the message text; times are as the export records them.",
        "zh": "由 {tool} {version} 离线生成。偏移量为消息文本中的码点位置；时间按导出数据记录显示。",
    },
    # summary
    "summary": {"en": "Summary", "zh": "概要"},
    "no_findings": {
        "en": "No findings. Nothing matched the enabled rules in the messages scanned.",
        "zh": "无发现。所扫描的消息中没有匹配已启用规则的内容。",
    },
    "headline": {
        "en": "{findings} in {places}; worst severity {worst}.",
        "zh": "{findings}，{places}；最高严重程度：{worst}。",
    },
    "notices": {"en": "Notices", "zh": "提示"},
    "card_findings": {"en": "Findings", "zh": "发现"},
    "card_people": {"en": "Affected people", "zh": "受影响人员"},
    "card_special": {"en": "People with special-category data", "zh": "涉及敏感个人信息的人员"},
    "card_worst": {"en": "Worst severity", "zh": "最高严重程度"},
    "card_messages": {"en": "Messages scanned", "zh": "已扫描消息"},
    "card_inputs": {"en": "Inputs", "zh": "输入"},
    "card_unread": {"en": "Unread items", "zh": "未读取项"},
    "card_occurrences": {"en": "Occurrences", "zh": "出现次数"},
    "none": {"en": "none", "zh": "无"},
    # severities, categories, likelihoods
    "sev_critical": {"en": "Critical", "zh": "严重"},
    "sev_high": {"en": "High", "zh": "高"},
    "sev_medium": {"en": "Medium", "zh": "中"},
    "sev_low": {"en": "Low", "zh": "低"},
    "advice_critical": {
        "en": "Act now: revoke or rotate, remove from the export, assess notification duties.",
        "zh": "立即处理：吊销或轮换密钥，从导出数据中删除，评估通知义务。",
    },
    "advice_high": {
        "en": "Remove or redact before the data is shared, migrated or archived.",
        "zh": "在数据共享、迁移或归档之前删除或遮盖。",
    },
    "advice_medium": {
        "en": "Review: redact where the data is not needed for the purpose.",
        "zh": "复核：对目的所不需要的数据进行遮盖。",
    },
    "advice_low": {"en": "For information; review when convenient.", "zh": "仅供参考；方便时复核。"},
    "cat_personal": {"en": "Personal", "zh": "个人信息"},
    "cat_secret": {"en": "Secret", "zh": "密钥凭证"},
    "cat_business": {"en": "Business", "zh": "商业信息"},
    "cat_fraud": {"en": "Fraud", "zh": "欺诈"},
    "lik_likely": {"en": "likely", "zh": "很可能"},
    "lik_possible": {"en": "possible", "zh": "可能"},
    "lik_unlikely": {"en": "unlikely", "zh": "不太可能"},
    "tri_confirmed": {"en": "confirmed", "zh": "已确认"},
    "tri_false_positive": {"en": "false positive", "zh": "误报"},
    "tri_accepted": {"en": "accepted", "zh": "已接受"},
    "tri_remediated": {"en": "remediated", "zh": "已处理"},
    "base_new": {"en": "new", "zh": "新增"},
    "base_still_present": {"en": "still present", "zh": "仍存在"},
    "base_new_place": {"en": "known value, new place", "zh": "已知数值，新位置"},
    # duties
    "duties": {"en": "Assessment: notification duties", "zh": "评估：通知义务"},
    "not_legal_advice": {
        "en": "This assessment is derived from the scan to help you decide; it is not legal advice.",
        "zh": "本评估根据扫描结果得出，供决策参考，不构成法律意见。",
    },
    "duty_triggered": {"en": "triggered", "zh": "已触发"},
    "duty_not_triggered": {"en": "not triggered", "zh": "未触发"},
    "duty_why": {"en": "Why", "zh": "原因"},
    "duty_asks": {"en": "What it asks", "zh": "法规要求"},
    "duty_scope": {"en": "Scope", "zh": "范围"},
    "duty_consequences": {"en": "Likely consequences", "zh": "可能后果"},
    "duty_categories": {"en": "Categories", "zh": "类别"},
    "no_duties": {"en": "No assessment was made for this scan.", "zh": "本次扫描未作评估。"},
    # charts
    "charts": {"en": "Charts", "zh": "图表"},
    "chart_months": {"en": "Findings by month first seen", "zh": "按首次出现月份统计的发现"},
    "chart_months_desc": {
        "en": "Bar chart: number of findings first seen in each month.",
        "zh": "柱状图：每月首次出现的发现数量。",
    },
    "chart_categories": {"en": "Findings by category", "zh": "按类别统计的发现"},
    "chart_categories_desc": {
        "en": "Bar chart: number of findings in each category.",
        "zh": "条形图：各类别的发现数量。",
    },
    "chart_risk": {"en": "Riskiest conversations", "zh": "风险最高的会话"},
    "chart_risk_desc": {
        "en": "Bar chart: risk score of the most exposed conversations.",
        "zh": "条形图：暴露程度最高的会话的风险评分。",
    },
    "chart_empty": {"en": "Nothing to chart.", "zh": "无可绘制的数据。"},
    # people
    "people": {"en": "People", "zh": "人员"},
    "people_intro": {
        "en": "Findings grouped into the people they identify or describe.",
        "zh": "按所识别或描述的人员归并的发现。",
    },
    "col_person": {"en": "Person", "zh": "人员"},
    "col_data": {"en": "Data exposed", "zh": "泄露的数据"},
    "col_special": {"en": "Special category", "zh": "敏感个人信息"},
    "col_audience": {"en": "Largest audience", "zh": "最大受众"},
    "audience": {"en": "audience", "zh": "受众"},
    "col_first_seen": {"en": "First seen", "zh": "首次出现"},
    "col_last_seen": {"en": "Last seen", "zh": "最近出现"},
    "col_identifiers": {"en": "Findings", "zh": "发现"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "no_people": {"en": "No person could be tied to a finding.", "zh": "没有可关联到发现的人员。"},
    "rows_cut": {
        "en": "The first {shown} of {total} rows are shown; the JSON report lists them all.",
        "zh": "显示 {total} 行中的前 {shown} 行；JSON 报告列出全部。",
    },
    # conversations
    "conversations": {"en": "Conversations", "zh": "会话"},
    "conversations_intro": {
        "en": "One row per conversation, riskiest first: risk weighs severity by audience, external members and age.",
        "zh": "每个会话一行，风险最高者在前：风险按受众规模、外部成员和时长对严重程度加权。",
    },
    "col_conversation": {"en": "Conversation", "zh": "会话"},
    "col_kind": {"en": "Kind", "zh": "类型"},
    "col_members": {"en": "Members", "zh": "成员"},
    "col_external": {"en": "External / guests", "zh": "外部成员/访客"},
    "col_people": {"en": "People affected", "zh": "受影响人员"},
    "col_oldest": {"en": "Oldest leak", "zh": "最早泄露"},
    "col_risk": {"en": "Risk", "zh": "风险"},
    "no_conversations": {"en": "No conversation holds a finding.", "zh": "没有会话包含发现。"},
    "kind_dm": {"en": "direct message", "zh": "私聊"},
    "kind_group": {"en": "group", "zh": "群组"},
    "kind_channel": {"en": "channel", "zh": "频道"},
    # findings
    "findings": {"en": "Findings", "zh": "发现"},
    "search": {"en": "Search", "zh": "搜索"},
    "search_hint": {
        "en": "preview, type, conversation, author, snippet",
        "zh": "预览、类型、会话、作者、片段",
    },
    "all": {"en": "all", "zh": "全部"},
    "from": {"en": "From", "zh": "起始"},
    "to": {"en": "To", "zh": "截止"},
    "reset": {"en": "Reset", "zh": "重置"},
    "prev": {"en": "Previous", "zh": "上一页"},
    "next": {"en": "Next", "zh": "下一页"},
    "page_of": {
        "en": "{shown} of {findings} · page {page} of {pages}",
        "zh": "{findings}中的 {shown} 项 · 第 {page}/{pages} 页",
    },
    "col_severity": {"en": "Severity", "zh": "严重程度"},
    "col_type": {"en": "Type", "zh": "类型"},
    "col_category": {"en": "Category", "zh": "类别"},
    "col_likelihood": {"en": "Likelihood", "zh": "可能性"},
    "col_preview": {"en": "Preview", "zh": "预览"},
    "col_detail": {"en": "Detail", "zh": "详情"},
    "col_occurrences": {"en": "Occurrences", "zh": "出现次数"},
    "col_conversations": {"en": "Conversations", "zh": "会话数"},
    "col_triage": {"en": "Triage", "zh": "分诊状态"},
    "col_baseline": {"en": "Baseline", "zh": "基线"},
    "col_author": {"en": "Author", "zh": "作者"},
    "col_time": {"en": "Time", "zh": "时间"},
    "col_part": {"en": "Part", "zh": "部分"},
    "col_snippet": {"en": "Snippet", "zh": "片段"},
    "col_location": {"en": "Location", "zh": "位置"},
    "col_link": {"en": "Link", "zh": "链接"},
    "explanation": {"en": "Why it was reported", "zh": "检出原因"},
    "remediation": {"en": "What to do", "zh": "处理建议"},
    "rule": {"en": "Rule", "zh": "规则"},
    "confidence": {"en": "Confidence", "zh": "置信度"},
    "fingerprint": {"en": "Fingerprint", "zh": "指纹"},
    "triage_note": {"en": "Triage note", "zh": "分诊备注"},
    "more_occurrences": {"en": "{n} more", "zh": "另外 {n} 处"},
    "not_shown_occurrences": {
        "en": "and {n} more not shown here; the JSON and CSV reports list every stored one.",
        "zh": "另有 {n} 处未在此显示；JSON 和 CSV 报告列出全部已存储的出现位置。",
    },
    "omitted_occurrences": {
        "en": "({n} were counted but not stored by the scan.)",
        "zh": "（其中 {n} 处仅计数，扫描未存储。）",
    },
    "details_hint": {"en": "Click a row for its details.", "zh": "点击一行查看详情。"},
    "no_match": {"en": "No finding matches.", "zh": "没有符合条件的发现。"},
    "resolved": {"en": "Resolved since the baseline", "zh": "自基线以来已解决"},
    # where in a message a value was (scanner.model PART_* names, and the message's envelope)
    "part_text": {"en": "text", "zh": "正文"},
    "part_edit": {"en": "edit", "zh": "编辑前版本"},
    "part_attachment name": {"en": "attachment name", "zh": "附件名"},
    "part_caption": {"en": "caption", "zh": "说明文字"},
    "part_file metadata": {"en": "file metadata", "zh": "文件元数据"},
    "part_link": {"en": "link", "zh": "链接"},
    "part_embed": {"en": "embed", "zh": "嵌入内容"},
    "part_contact card": {"en": "contact card", "zh": "名片"},
    "part_structured field": {"en": "structured field", "zh": "结构化字段"},
    "part_author": {"en": "author", "zh": "作者"},
    "part_conversation": {"en": "conversation", "zh": "会话名"},
    "part_file name": {"en": "file name", "zh": "文件名"},
    # not inspected
    "not_inspected": {"en": "Not inspected", "zh": "未检查"},
    "not_inspected_intro": {
        "en": "Attachments whose content was not read (only their names were scanned), and records that could not be read.",
        "zh": "未读取内容的附件（仅扫描了文件名），以及无法读取的记录。",
    },
    "col_attachment": {"en": "Attachment", "zh": "附件"},
    "col_message": {"en": "Message", "zh": "消息"},
    "col_type_mime": {"en": "Type", "zh": "文件类型"},
    "col_size": {"en": "Size", "zh": "大小"},
    "col_reason": {"en": "Reason", "zh": "原因"},
    "skipped_in": {"en": "Could not be read in", "zh": "无法读取，位于"},
    "nothing_uninspected": {"en": "Everything was inspected.", "zh": "所有内容均已检查。"},
    # scan details
    "scan_details": {"en": "Scan details", "zh": "扫描详情"},
    "scan_details_summary": {"en": "Inputs, models and options", "zh": "输入、模型和选项"},
    "col_path": {"en": "Path", "zh": "路径"},
    "col_format": {"en": "Format", "zh": "格式"},
    "col_encoding": {"en": "Encoding", "zh": "编码"},
    "col_messages": {"en": "Messages", "zh": "消息"},
    "col_system": {"en": "System messages", "zh": "系统消息"},
    "col_skipped": {"en": "Unread", "zh": "未读取"},
    "total": {"en": "Total", "zh": "合计"},
    "started": {"en": "Started", "zh": "开始"},
    "finished": {"en": "Finished", "zh": "结束"},
    "languages": {"en": "Languages", "zh": "语言"},
    "key_id": {"en": "Fingerprint key id", "zh": "指纹密钥标识"},
    "model": {"en": "Model ({kind})", "zh": "模型（{kind}）"},
    "models_none": {"en": "none (patterns and dictionaries only)", "zh": "无（仅模式和词典）"},
    # counted nouns: (one, many)
    "n_finding": {"en": "{n} finding|{n} findings", "zh": "{n} 项发现"},
    "n_place": {"en": "{n} place|{n} places", "zh": "共 {n} 处"},
    "n_message": {"en": "{n} message|{n} messages", "zh": "{n} 条消息"},
    "n_input": {"en": "{n} input|{n} inputs", "zh": "{n} 个输入"},
    "n_person": {"en": "{n} person|{n} people", "zh": "{n} 人"},
    "n_record": {"en": "{n} record|{n} records", "zh": "{n} 条记录"},
    "n_occurrence": {"en": "{n} occurrence|{n} occurrences", "zh": "{n} 处"},
    "n_item": {"en": "{n} file or record|{n} files or records", "zh": "{n} 个文件或记录"},
    # command line summary
    "cli_title": {"en": "chatsweep summary", "zh": "chatsweep 扫描概要"},
    "cli_severity": {"en": "severity", "zh": "严重程度"},
    "cli_findings": {"en": "findings", "zh": "发现"},
    "cli_total": {"en": "total", "zh": "合计"},
    "cli_by_type": {"en": "by type", "zh": "按类型"},
    "cli_people": {
        "en": "{people} affected, {special} with special-category data",
        "zh": "受影响人员 {people}，其中涉及敏感个人信息 {special}",
    },
    "cli_scanned": {
        "en": "{messages} from {inputs} in {seconds}s ({rate} msg/s); {unread} not read",
        "zh": "{messages}，来自 {inputs}，用时 {seconds} 秒（每秒 {rate} 条）；{unread}未读取",
    },
    "cli_not_read": {"en": "not read", "zh": "未读取"},
    "cli_not_read_more": {"en": "{n} more, listed in the report", "zh": "另有 {n} 项，见报告"},
    "cli_note": {"en": "note", "zh": "提示"},
    "cli_report": {"en": "report", "zh": "报告"},
    "cli_exit3": {
        "en": "exit 3: no finding reaches --fail-on, but not everything could be read (listed above)",
        "zh": "退出码 3：没有发现达到 --fail-on，但有内容无法读取（见上文）",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when ``lang`` is unknown), formatted with ``values``."""
    entry = TEXTS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template


def plural(lang: str, key: str, n: int) -> str:
    """A counted noun: ``plural("en", "n_message", 1)`` is "1 message"; thousands grouped."""
    template = TEXTS[key].get(lang) or TEXTS[key]["en"]
    one, _, many = template.partition("|")
    chosen = one if n == 1 or not many else many
    return chosen.format(n=f"{n:,}")


def is_chinese_text(value: str) -> bool:
    """True when ``value`` holds a Han character (a name or snippet to mark ``lang="zh"``)."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in value)


def resolve_report_lang(setting: str, languages: Mapping[str, int]) -> str:
    """The report's language: ``en`` or ``zh`` as asked, or for ``auto`` zh when most scanned
    messages are Chinese (by the scan's language counts)."""
    if setting in LANGS:
        return setting
    total = sum(languages.values())
    return "zh" if total and languages.get("zh", 0) * 2 > total else "en"
