"""Business data: CONFIDENTIAL_MARKER (classification and handling markers) and INTERNAL_URL.

CONFIDENTIAL_MARKER. A message that carries a classification ("CONFIDENTIAL", 【机密】,
"Classification: Internal", 密级：秘密) or a handling instruction ("internal use only",
内部资料，请勿外传) says of itself that it must not leave the company; a DPO wants to know
where such messages went. The same words are everyday prose ("is this confidential?",
"I'll keep it confidential", 保密工作会议, 告诉你个秘密), so the evidence is the *form*:

- in brackets whose content is only markers ([CONFIDENTIAL], 【内部资料】, (internal use only));
- after a label (Classification: Internal, Sensitivity: Highly Confidential, 密级：秘密) or a
  TLP tag (TLP:AMBER); next to ★ as GB/T 9704 marks a 密级 (机密★1年);
- in capitals in a message that is not all capitals (CONFIDENTIAL), or as a header line
  ("Confidential: Q3 numbers", "机密：…");
- "marked/classified as …", 标记为 …;
- a handling instruction or legend in running text ("do not forward", 严禁外传, "privileged &
  confidential") is a marker in prose too, at a lower score;
- a classification word said of a document ("this deck is confidential", 这份文件是机密) is
  possible; anywhere else a classification word in prose is nothing.

Two markers in one message support each other. Questions ("is this internal only?"),
negations ("not confidential", 非涉密, 不是机密) and talk about the marking system ("the
confidential label", 保密工作, 保密协议) are not reported. The lexicons are data files
(``lexicons/confidential_en.txt``, ``confidential_zh.txt``; the mark in front of a term says how
much it proves on its own). The span is the marker; the explanation names its kind and form.

INTERNAL_URL. A URL or host name that only resolves inside a company network tells an outsider
the shape of that network (and, pasted in a public channel, where to aim). Evidence, strongest
first: a private-use top-level name (.local, .internal, .corp, .lan, .home.arpa …), a
private (RFC 1918, unique-local) address in a URL, an internal zone label left of the
registrable domain (wiki.corp.acme.com, intranet.acme.com), a single-label host with a port
or path (http://jenkins:8080/), a Windows share (\\\\fileserver\\share); link-local addresses
are possible, loopback (localhost, 127.0.0.1) unlikely, a public host named after a
self-hosted tool (grafana.acme.com) unlikely. Documentation names (example.com, .test,
.invalid) and placeholders (http://your-server:8080/) are not reported; URLs that carry a
password are left to the secret families (CONNECTION_STRING).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.families import _phrases
from recognizers.families._base import CJK, FamilyRecognizer, Rule, Verdict, context, keywords, nearby, rule

ENTITIES: tuple[str, ...] = ("CONFIDENTIAL_MARKER", "INTERNAL_URL")

# --- CONFIDENTIAL_MARKER --------------------------------------------------------------------------

SCORE_BRACKET = 0.85  # [CONFIDENTIAL], 【机密】
SCORE_LABEL = 0.85  # Classification: Internal, 密级：秘密, TLP:AMBER
SCORE_STAR = 0.85  # 机密★1年
SCORE_CAPITALS = 0.8  # CONFIDENTIAL in a message that is not shouting
SCORE_HEADER = 0.8  # "Confidential: …" / "机密：…" at the start of a line
SCORE_HEADER_LOWER = 0.65  # "confidential - …": a header, but typed casually
SCORE_MARKED = 0.7  # "marked confidential", 标记为机密
SCORE_PROSE = 0.6  # a handling instruction in running text ("do not forward")
SCORE_DOCUMENT = 0.5  # "this deck is confidential", 这份文件是机密
SUPPORT = 0.15  # another marker in the same message
SCORE_MAX = 0.85

_CATEGORY_NAMES = {
    "classification": "a classification level",
    "handling": "a handling instruction",
    "legend": "a legal privilege or secrecy legend",
    "legal": "a legal term for protected information",
    "embargo": "an embargo notice",
    "tlp": "a Traffic Light Protocol tag",
}


@cache
def _marker_matcher() -> _phrases.Matcher:
    terms = _phrases.load("confidential_en.txt", "confidential_zh.txt")
    for term in terms:
        if term.kind != "category" or (term.group not in _CATEGORY_NAMES and term.group != "label"):
            raise ValueError(f"{term.source}: unknown group {term.group!r}")
    return _phrases.Matcher(terms)


# Bracket pairs whose whole content may be a marker: [ ], 【 】, ( ), （ ）, 「 」, 『 』, 〔 〕, 《 》,
# and Markdown emphasis (**…**, *…*, __…__); not < >, which hold template placeholders
# (<secret>). Bounded content, one line.
_BRACKETS = re.compile(
    r"""
    \[(?P<a>[^\[\]\n]{1,80})\] | 【(?P<b>[^【】\n]{1,80})】
    | \((?P<c>[^()\n]{1,80})\) | （(?P<d>[^（）\n]{1,80})）
    | 「(?P<e>[^「」\n]{1,80})」 | 『(?P<f>[^『』\n]{1,80})』
    | 〔(?P<g>[^〔〕\n]{1,80})〕 | 《(?P<h>[^《》\n]{1,80})》
    | \*\*(?P<j>[^*\n]{1,80})\*\* | (?<!\*)\*(?P<k>[^*\n]{1,80})\*(?!\*)
    | __(?P<l>[^_\n]{1,80})__ | ［(?P<m>[^［］\n]{1,80})］
    """,
    re.VERBOSE,
)
# What may stand beside markers inside such brackets: separators, a 保密期限 (★1年, 长期), and a
# few filler words ("strictly", "please", 请, 仅).
_BRACKET_REST = re.compile(
    r"""(?:[\s\-–—/|:：,，、;；.·&+★☆!！0-9]|年|个月|個月|长期|長期|永久|请|請|仅|僅|限
        |(?<![A-Za-z])(?i:only|please|and|or|strictly|highly|use|for)(?![A-Za-z]))*""",
    re.VERBOSE,
)
# Between a label and its marker: "level"/"label"/级别, a colon or dash, quotes or brackets.
_AFTER_LABEL = re.compile(
    r"[ \t]*(?:(?i:level|label|tag)|级别|級別|等级|等級)?[ \t]*[:：=\-–—][ \t]*[\"'“「【\[(（*]{0,2}[ \t]*"
)
_MARKED_AS = re.compile(
    r"(?:(?<![A-Za-z])(?i:marked|labelled|labeled|classified|flagged|tagged)(?:[ \t]+(?i:as))?"
    r"|标记为|標記為|标为|標為|列为|列為|定为|定為|定密为|定密為|标注为|標註為)[ \t]*[\"'“「【]?[ \t]*\Z"
)
# Start of a line before a header marker: blanks, quote and list marks, Markdown, Re:/Fwd:.
_LINE_START = re.compile(
    r"[ \t>#*•·\-]*(?:(?:(?i:re|fw|fwd)|回复|回覆|转发|轉發)[ \t]*[:：][ \t]*)*[\"'“「*]{0,2}[ \t]*\Z"
)
_HEADER_END = re.compile(r"[\"'”」*]{0,2}[ \t]*(?:[:：|\-–—/]|\n|\Z)")
_NEGATION = re.compile(
    r"(?:(?<![A-Za-z])(?i:not|isn['’]?t|aren['’]?t|wasn['’]?t|no[ \t]+longer|never|non|un)[ \t\-]*"
    r"(?:(?i:really|actually|so|that|very)[ \t]+)?"
    r"|不是|並非|并非|非|不属于|不屬於|无需|無需|不用|不必|不再|解除)\Z"
)
# A classification word said of a document (EN): "this deck is", "the attached file is", "it's".
_DOC_EN = re.compile(
    r"""(?<![A-Za-z])(?i:
        (?:this|that|these|those|the|our|my|attached|following)[ \t]+(?:[A-Za-z0-9\-]{1,20}[ \t]+){0,2}
        (?:docs?|documents?|files?|decks?|slides?|reports?|spreadsheets?|sheets?|e-?mails?|mails?|memos?
          |info|information|data|numbers|figures|lists?|plans?|roadmaps?|contracts?|drafts?|pages?|threads?
          |channels?|messages?|recordings?|presentations?|pdfs?|attachments?|links?|details|contents?
          |projects?|budgets?|forecasts?|results|financials|pricing|designs?|specs?)
        |this|that|these|it|everything|all[ \t]+of[ \t]+(?:this|it)
    )
    (?:[ \t]+(?:is|are|was|were|stays|stay|remains|remain|(?:must|should|will)[ \t]+(?:stay|remain|be))|['’]s)
    [ \t]+(?:(?:strictly|highly|still|all|considered|a|an|very|company)[ \t]+){0,2}\Z""",
    re.VERBOSE,
)
_DOC_ZH = re.compile(
    r"(?:文件|资料|資料|文档|文檔|檔案|报告|報告|数据|數據|附件|名单|名單|方案|合同|材料|信息|内容|內容|邮件|郵件"
    r"|表格|截图|截圖|链接|鏈接|计划|計劃|项目|項目|这个|這個|这份|這份|这些|這些|以下|下面|上面|此|本|这|這|该|該)"
    r"(?:的)?(?:内容|內容|信息)?(?:都|均|全部|也)?"
    r"(?:是|属于|屬於|为|為|属|屬|涉及|含有|包含|含|系)?(?:公司|本公司|我们的|我們的)?\Z"
)
# Talk about the marking system rather than a marked message.
_GENERAL_EN = re.compile(
    r"[ \t\-]+(?i:agreements?|policy|policies|training|templates?|laws?|clauses?|process|review|meetings?"
    r"|team|labels?|markings?|settings|levels?|classification|status|matters?|issues?|obligations?"
    r"|requirements?|protection|theft|lawsuit|case|litigation|computing|mode|tab|window|ips?|dns|network"
    r"|server|api|endpoint|tools?|links?|errors?|testing|tests?|audit)(?![A-Za-z])"
)
_GENERAL_ZH = re.compile(
    r"工作|会议|會議|培训|培訓|制度|教育|意识|意識|管理|条例|條例|法|局|办|辦|检查|檢查|协议|協議|规定|規定|要求"
    r"|义务|義務|责任|責任|措施|部门|部門|宣传|宣傳|审查|審查|人员|人員|资格|資格|期限|级别|級別|等级|等級|单位|單位"
    r"|系统|系統|网络|網絡|载体|載體|柜|櫃|性|库|庫|室|馆|館|平台"
)
_CLAUSE_END = re.compile(r"[.!?;。！？；\n]")
_QUESTION = re.compile(r"(?:[?？]|吗|嗎|么|麼|呢)\s*[.!?;。！？；\n]?\Z")


@dataclass(frozen=True, slots=True)
class _Form:
    score: float
    how: str
    prose: bool  # weaker forms that another marker can support


class ConfidentialMarkerRecognizer(FamilyRecognizer):
    """CONFIDENTIAL_MARKER: classification and handling markers in marker form (EN and ZH)."""

    ENTITIES = ("CONFIDENTIAL_MARKER",)
    RULES = ()
    CONTEXT = context(
        en=("confidential", "classification", "internal", "sensitivity"),
        zh=("机密", "密级", "保密", "内部资料"),
    )
    PREFILTER = re.compile(
        r"(?i:confiden|intern|restrict|secret|sensitiv|classif|official|fouo|distribut|forward|circulat"
        r"|disclos|share|publicat|release|eyes|need|recipient|addressee|propriet|privileg|attorney|nda"
        r"|embargo|tlp)|密|内部|內部|外传|外傳|转发|轉發|扩散|擴散|对外|對外|泄露|阅后|閱後|敏感|受限"
    )
    CONTEXT_BOOST = 0.0

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and "CONFIDENTIAL_MARKER" not in entities:
            return []
        if self.PREFILTER is not None and not self.PREFILTER.search(text):
            return []
        hits = list(_marker_matcher().hits(text))
        markers = [h for h in hits if h.term.group != "label"]
        if not markers:
            return []
        labels = [h for h in hits if h.term.group == "label"]
        brackets = [m.span(m.lastgroup) for m in _BRACKETS.finditer(text) if m.lastgroup]
        found = [(hit, form) for hit in markers if (form := self._form(text, hit, hits, labels, brackets))]
        results = []
        for hit, form in found:
            score, how = form.score, form.how
            if form.prose and len(found) > 1:
                score = min(score + SUPPORT, SCORE_MAX)
                how += "; another marker in the same message"
            what = _CATEGORY_NAMES[hit.term.group]
            verdict = Verdict(score, f"classification or handling marker ({what}) {how}", final=True)
            results.append(self._result("CONFIDENTIAL_MARKER", hit.start, hit.end, _MARKER_RULE, verdict))
        return results

    def _form(
        self,
        text: str,
        hit: _phrases.Hit,
        hits: list[_phrases.Hit],
        labels: list[_phrases.Hit],
        brackets: list[tuple[int, int]],
    ) -> _Form | None:
        start, end, term = hit.start, hit.end, hit.term
        line_start = text.rfind("\n", 0, start) + 1
        before = text[max(line_start, start - 60) : start]
        if _NEGATION.search(before):
            return None
        if term.group == "tlp":
            return _Form(SCORE_LABEL, "as a TLP tag", False)
        for a, b in brackets:
            if a <= start and end <= b and _marker_only(text, a, b, hits):
                return _Form(SCORE_BRACKET, "in brackets", False)
        if any(_AFTER_LABEL.fullmatch(text, label.end, start) for label in labels if label.end <= start):
            return _Form(SCORE_LABEL, "after a classification label", False)
        if text[end : end + 1] in ("★", "☆") or text[max(0, start - 1) : start] in ("★", "☆"):
            return _Form(SCORE_STAR, "marked with ★ (密级 marking)", False)
        if _MARKED_AS.search(before):
            return _Form(SCORE_MARKED, "after 'marked as' or 标记为", False)
        if term.mark == "?":
            return None  # a common word ("internal", 秘密, 保密) only counts in marker form
        if self._talk(text, hit):
            return None
        value = text[start:end]
        if _capitals(text, hit, hits):
            return _Form(SCORE_CAPITALS, "in capitals", False)
        if _LINE_START.fullmatch(before) and _HEADER_END.match(text, end):
            if value != value.lower() or _phrases.has_han(value):
                return _Form(SCORE_HEADER, "as a header line", False)
            if text[end:].strip():  # a lower-case word alone is a reply, not a header
                return _Form(SCORE_HEADER_LOWER, "as a header line", True)
        if term.mark == "!":
            return _Form(SCORE_PROSE, "in the text", True)
        doc = _DOC_ZH if _phrases.has_han(value) else _DOC_EN
        if doc.search(before):
            return _Form(SCORE_DOCUMENT, "said of a document or message", True)
        return None

    @staticmethod
    def _talk(text: str, hit: _phrases.Hit) -> bool:
        """A question about the marker, or talk about the marking system (保密工作, NDA template)."""
        clause_end = _CLAUSE_END.search(text, hit.end)
        stop = clause_end.end() if clause_end else len(text)
        if _QUESTION.search(text, hit.end, stop):
            return True
        general = _GENERAL_ZH if _phrases.has_han(text[hit.end - 1 : hit.end]) else _GENERAL_EN
        return general.match(text, hit.end) is not None


def _marker_only(text: str, a: int, b: int, hits: list[_phrases.Hit]) -> bool:
    """The bracket content [a, b) is markers, labels, separators and filler words only."""
    pos = a
    for h in hits:
        if h.end <= a or h.start >= b:
            continue
        if h.start < a or h.end > b or not _BRACKET_REST.fullmatch(text, pos, h.start):
            return False
        pos = h.end
    return _BRACKET_REST.fullmatch(text, pos, b) is not None


_LETTERS = re.compile(r"[A-Za-z]")


def _capitals(text: str, hit: _phrases.Hit, hits: list[_phrases.Hit]) -> bool:
    """The marker is in capitals (CONFIDENTIAL) and the rest of the message is not shouting."""
    letters = _LETTERS.findall(text[hit.start : hit.end])
    if len(letters) < 4 or not all(c.isupper() for c in letters) or hit.term.text.upper() == hit.term.text:
        return False  # too short, not capitals, or an acronym that is always written so (FOUO)
    rest, pos = [], 0
    for other in hits:  # other markers in capitals support this one rather than drown it
        rest.append(text[pos : other.start])
        pos = other.end
    rest.append(text[pos:])
    others = _LETTERS.findall("".join(rest))
    return len(others) < 4 or sum(c.isupper() for c in others) / len(others) < 0.7


_MARKER_RULE = Rule("confidential_marker", re.compile(""), SCORE_HEADER)


# --- INTERNAL_URL ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _HostWords:
    tld: frozenset[str]
    zone: frozenset[str]
    service: frozenset[str]
    ops_tool: frozenset[str]
    documentation: frozenset[str]
    placeholder: frozenset[str]


@cache
def _host_words() -> _HostWords:
    groups: dict[str, set[str]] = {}
    for term in _phrases.load("internal_hosts.txt"):
        groups.setdefault(term.group, set()).add(term.text.lower())
    return _HostWords(
        frozenset(groups["tld"]),
        frozenset(groups["zone"]),
        frozenset(groups["service"]),
        frozenset(groups["ops_tool"]),
        frozenset(groups["documentation"]),
        frozenset(groups["placeholder"]),
    )


SCORE_PRIVATE_TLD = 0.8  # .local, .internal, .corp …
SCORE_PRIVATE_IP = 0.75  # RFC 1918 / unique-local address in a URL
SCORE_ZONE = 0.7  # wiki.corp.acme.com, intranet.acme.com
SCORE_SINGLE_LABEL = 0.7  # http://jenkins:8080/
SCORE_SHARE = 0.75  # \\fileserver\share
SCORE_LINK_LOCAL = 0.55
SCORE_SHARED_NAT = 0.5  # 100.64.0.0/10
SCORE_TOOL = 0.35  # grafana.acme.com: a self-hosted tool's name on a public domain
SCORE_LOOPBACK = 0.3  # localhost: the sender's own machine, rarely telling
PORT_BONUS = 0.05  # an explicit port: a service endpoint
BARE_PENALTY = 0.1  # no scheme: a host name in prose is less certain than a link

_URL_CHARS = rf"[^\s<>\"'`{CJK}\\{{}}|^]"
# Schemes of links people paste: web, sockets, file transfer and shells, shares and remote
# desktops, directories, and data stores (a data-store URL with a password is CONNECTION_STRING).
_SCHEMES = (
    r"https?|wss?|ftps?|sftp|ssh|git|svn|smb|cifs|nfs|rdp|vnc|ldaps?|telnet|file|jdbc:[a-z0-9]{2,16}"
    r"|postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|kafka|nats|mqtt|elasticsearch"
)
_URL = rule(
    "url_with_scheme",
    rf"""
    (?<![A-Za-z0-9+.\-])
    (?P<value>(?i:{_SCHEMES})://(?P<authority>[^\s/?#<>"'`{CJK}\\]{{1,255}})(?P<path>[/?#]{_URL_CHARS}{{0,2000}})?)
    """,
    SCORE_PRIVATE_TLD,
)
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_TAIL = rf"(?P<port>:[0-9]{{2,5}})?(?P<path>/{_URL_CHARS}{{0,2000}})?"
_BARE_LEFT = r"(?<![A-Za-z0-9@._\-/\\:%+=~])"
_BARE_RIGHT = r"(?![A-Za-z0-9_\-(]|\.[A-Za-z0-9])"  # not a file name (.py) or a call (x.local())
# A dotted name right after these is a module or package in code, not a host.
_CODE_BEFORE = re.compile(r"(?<![A-Za-z])(?:import|from|package|using|require|include)[ \t]+\Z")
# Reverse-DNS package names (com.acme.internal.util) start with a top-level name; hosts never do.
_PACKAGE_ROOTS = frozenset({"com", "org", "net", "io", "cn", "edu", "gov", "de", "uk", "fr", "jp"})


def _bare_rules() -> tuple[Rule, Rule]:
    words = _host_words()
    tlds = "|".join(re.escape(t) for t in sorted(words.tld, key=len, reverse=True))
    zones = "|".join(re.escape(z) for z in sorted(words.zone, key=len, reverse=True))
    private_tld = rule(
        "bare_host_private_tld",
        rf"{_BARE_LEFT}(?P<value>(?P<host>(?:{_LABEL}\.){{1,10}}(?:{tlds}))(?![a-z0-9\-]){_TAIL}){_BARE_RIGHT}",
        SCORE_PRIVATE_TLD,
    )
    zone = rule(
        "bare_host_internal_zone",
        rf"""{_BARE_LEFT}(?P<value>(?P<host>(?:{_LABEL}\.){{0,6}}
            (?:[a-z0-9]{{1,20}}-)?(?:{zones})(?:-[a-z0-9]{{1,20}})?\.(?:{_LABEL}\.){{1,4}}[a-z]{{2,24}})
            (?![a-z0-9\-]){_TAIL}){_BARE_RIGHT}""",
        SCORE_ZONE,
    )
    return private_tld, zone


_BARE_TLD, _BARE_ZONE = _bare_rules()
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
# A private address with a port or a path but no scheme (10.0.3.7:9200/_cat/indices); a bare
# address alone is IP_ADDRESS's, and "10.0.0.0/8" (a digit after the slash) is a network.
_BARE_IP = rule(
    "bare_private_ip",
    rf"""(?<![0-9A-Za-z.:/@])(?P<value>(?P<host>{_OCTET}(?:\.{_OCTET}){{3}})(?=[:/]){_TAIL})
         (?![0-9A-Za-z]|\.[0-9])""",
    SCORE_PRIVATE_IP,
)
# A Windows (UNC) share: \\fileserver\share\path.
_SHARE = rule(
    "windows_share",
    rf"""(?<![\\A-Za-z0-9])(?P<value>\\\\(?P<host>[A-Za-z0-9][A-Za-z0-9.\-]{{0,62}})
         \\[^\s\\/:*?"<>|{CJK}]{{1,80}}(?:\\[^\s\\"<>|{CJK}]{{0,255}}){{0,30}})""",
    SCORE_SHARE,
)
_TRAILING = ".,;:!?'\"*_~>"
_CREDENTIAL_QUERY = re.compile(
    r"[?&;](?i:password|passwd|pwd|pass|secret|token|access_token|api_?key|apikey|auth|sig|signature)="
)
_INTRANET_WORDS = keywords(
    "intranet",
    "internal",
    "vpn",
    "on-prem",
    "on prem",
    "corp network",
    "office network",
    "内网",
    "內網",
    "局域网",
    "局域網",
    "公司网络",
    "公司網絡",
    "内部系统",
    "內部系統",
    "堡垒机",
    "跳板机",
)


class InternalUrlRecognizer(FamilyRecognizer):
    """INTERNAL_URL: links and host names that point inside a company network."""

    ENTITIES = ("INTERNAL_URL",)
    RULES = (_URL, _BARE_TLD, _BARE_ZONE, _BARE_IP, _SHARE)
    CONTEXT = context(en=("intranet", "internal", "vpn"), zh=("内网", "局域网", "内部"))
    PREFILTER = re.compile(
        r"://|\\\\[A-Za-z0-9]|[a-z0-9]\.[a-z]|[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}[:/]"
    )
    OWN_CONTEXT = True

    def check(self, rule: Rule, match: re.Match[str], text: str) -> Verdict | None:
        start, end = match.span("value")
        end = _trim(text, start, end)
        if rule is _URL:
            parsed = _authority(text[match.start("authority") : min(match.end("authority"), end)])
            if parsed is None:
                return None
            host, port = parsed
            has_path = match.start("path") >= 0 and end > match.start("path")
            bare = False
        elif rule is _SHARE:
            host, port, has_path, bare = match.group("host").lower(), None, True, False
        else:
            host = match.group("host")
            if _CODE_BEFORE.search(text, max(0, start - 12), start) or host.split(".")[0] in _PACKAGE_ROOTS:
                return None
            port = match.group("port")[1:] if match.group("port") and match.end("port") <= end else None
            has_path = match.start("path") >= 0 and end > match.start("path") + 1
            bare = True
            network = has_path and text[match.start("path") + 1].isdigit()  # 10.0.0.0/8
            if rule is _BARE_IP and port is None and (network or not has_path):
                return None  # an address alone is IP_ADDRESS's, and a network is no link
        if _CREDENTIAL_QUERY.search(text, start, end):
            return None  # a password or token in the URL: the secret families report it
        judged = _judge_host(host, port, has_path, share=rule is _SHARE, bare=bare)
        if judged is None:
            return None
        score, why = judged
        if port is not None and score > SCORE_LOOPBACK:
            score += PORT_BONUS
            why += ", with a port"
        if bare:
            score -= BARE_PENALTY
            why += " (written without a scheme)"
        word = nearby(text, start, end, _INTRANET_WORDS, before=40, after=20)
        return Verdict(round(score, 4), why, span=(start, end), context_word=word)


def _trim(text: str, start: int, end: int) -> int:
    """Drop punctuation that ends the sentence rather than the URL, and an unbalanced bracket."""
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
            continue
        if last in ")]":
            opening = "(" if last == ")" else "["
            if text.count(opening, start, end) < text.count(last, start, end):
                end -= 1
                continue
        break
    return end


def _authority(authority: str) -> tuple[str, str | None] | None:
    """(host, port) of a URL authority; None when it carries a password or is not a host."""
    authority = authority.rstrip(_TRAILING)
    userinfo, at, hostport = authority.rpartition("@")
    if at and ":" in userinfo:
        return None  # a URL with a password is a CONNECTION_STRING finding
    hostport = hostport.split(",", 1)[0]  # mongodb://h1:27017,h2:27017
    if hostport.startswith("["):
        host, bracket, rest = hostport[1:].partition("]")
        if not bracket:
            return None
        port = rest[1:] if rest.startswith(":") else None
    else:
        host, colon, port_text = hostport.partition(":")
        port = port_text if colon else None
    if port is not None and not (port.isdigit() and 0 < int(port) <= 65535):
        return None  # http://host:port/ — a template
    if not host:
        return None
    return host.lower().rstrip("."), port


def _judge_host(
    host: str, port: str | None, has_path: bool, *, share: bool, bare: bool
) -> tuple[float, str] | None:
    """Score and reason for ``host`` (never the host itself), or None when it is not internal."""
    words = _host_words()
    ip = _ip(host)
    if ip is not None:
        return _judge_ip(ip, loopback_counts=not bare and bool(port or has_path))
    if not re.fullmatch(r"[a-z0-9](?:[a-z0-9\-.]{0,252})", host):
        return None  # a template (<host>, ${HOST}), an IDN or junk
    labels = host.split(".")
    if host == "localhost" or labels[-1] == "localhost":
        if bare or not (port or has_path):
            return None
        return SCORE_LOOPBACK, "link to localhost (the sender's own machine)"
    if any(label in words.documentation for label in labels[-2:]) or "example" in labels:
        return None  # example.com, intranet.example, printer.test: documentation
    if all(label in words.placeholder for label in labels[:-1] or labels):
        return None  # host.local, http://server:8080/
    if labels[-1].isdigit():
        return None
    suffix = ".".join(labels[-2:]) if len(labels) > 1 else ""
    if len(labels) > 1 and (labels[-1] in words.tld or suffix in words.tld):
        tld = suffix if suffix in words.tld else labels[-1]
        return SCORE_PRIVATE_TLD, f"host under the private-use top-level name .{tld} (never public DNS)"
    if len(labels) == 1:
        if share:
            return SCORE_SHARE, "Windows file share on an internal server"
        if bare or not (port or has_path) or host.isdigit():
            return None
        return (
            SCORE_SINGLE_LABEL,
            "single-label host name with a port or path (resolves only inside a network)",
        )
    if share:
        return SCORE_SHARE, "Windows file share"
    inner = labels[: -3 if _cc_second_level(labels) else -2]
    if any(_zone_label(label, words.zone) for label in inner):
        score, why = SCORE_ZONE, "host in an internal DNS zone (intranet, corp, internal …)"
        if labels[0] in words.service:
            score, why = score + 0.1, why + " named after a self-hosted tool"
        return score, why
    if not bare and labels[0] in words.ops_tool and inner and (port or has_path):
        return SCORE_TOOL, "host named after a self-hosted tool (weak evidence of an internal service)"
    return None


# Zone words that also name a zone inside a longer label (int-api, api-internal, corp-wiki).
_AFFIX_ZONES = ("internal", "intranet", "intra", "int", "corp")


def _zone_label(label: str, zones: frozenset[str]) -> bool:
    return label in zones or any(label.startswith(z + "-") or label.endswith("-" + z) for z in _AFFIX_ZONES)


_CC_SECOND = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go"})


def _cc_second_level(labels: list[str]) -> bool:
    """acme.co.uk, acme.com.cn: the registrable domain has three labels (no public-suffix list)."""
    return len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _CC_SECOND


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


_SHARED_NAT = ipaddress.ip_network("100.64.0.0/10")
_DOCUMENTATION = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


def _judge_ip(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, loopback_counts: bool
) -> tuple[float, str] | None:
    """Score and reason for an address in a URL; loopback only counts in a link with a port or path."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast or any(ip in net for net in _DOCUMENTATION):
        return None
    if ip.is_loopback:
        return (
            (SCORE_LOOPBACK, "link to a loopback address (the sender's own machine)")
            if loopback_counts
            else None
        )
    if ip.is_link_local:
        return SCORE_LINK_LOCAL, "link to a link-local address"
    if ip.version == 4 and ip in _SHARED_NAT:
        return SCORE_SHARED_NAT, "link to a carrier-grade NAT (shared) address"
    if ip.is_private:
        what = "RFC 1918" if ip.version == 4 else "unique-local"
        return SCORE_PRIVATE_IP, f"link to a private ({what}) address"
    return None


def recognizers(language: str) -> list[EntityRecognizer]:
    """The business recognizers for ``language``."""
    return [ConfidentialMarkerRecognizer(language), InternalUrlRecognizer(language)]
