"""Vendor keys from gitleaks' and TruffleHog's own test cases, pasted into chat messages.

Publishers: https://github.com/gitleaks/gitleaks (MIT; ``cmd/generate/config/rules/*.go``: each
rule's true-positive samples, many of them generated from a regular expression at build time,
and its false-positive samples) and https://github.com/trufflesecurity/trufflehog (AGPL-3.0;
``pkg/detectors/*/*_test.go``: the keys each detector's pattern test expects to find). Nothing
of either is committed: the keys are read from a local git mirror or a GitHub archive and only
the converted chat messages are written into the cache.

What is built:
- one key set per provider (the detector's folder in TruffleHog, the sample's identifier in
  gitleaks), merged by normalised name. gitleaks' generated samples (``secrets.NewSecret(regex)``)
  are drawn here from the same regular expression with a fixed seed. Keys that are one
  character repeated (``aaaa…``, TruffleHog's length tests) are skipped: no real key looks so;
- providers are split into ``dev`` and ``heldout`` halves by a hash of the provider's name
  (stable across runs and mirror versions). Tune on ``dev`` only;
- each key is pasted into a few chat templates drawn with a seed from the provider's name:
  English and Chinese, the vendor keyword right before the key or several words away, after
  it, on the previous line, in the previous message (same or other author), inside code
  fences and backticks, or nothing around it at all. The key's span is labelled SECRET;
- negatives: ordinary English and Chinese chat, hashes and ids with their cues (commit SHAs,
  sha256 checksums, request ids, UUIDs, base64 images, links);
- ``fp``: gitleaks' own false-positive samples, each pasted into a message. They are a
  specification (none may be reported) rather than a measurement, so they are a split of
  their own, read in full.

A message is one Example with its ``conversation`` and ``author`` (``a`` or ``b``); the
messages of one conversation are consecutive, and their ids are the conversation's plus the
message's number and author (``dev/shippo/0-fence-1/0a``, ``…/1b``).
"""

from __future__ import annotations

import hashlib
import importlib
import io
import random
import re
import subprocess
import tarfile
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.datasets import Example, Span, Unavailable, write_split

NAME = "peer_secrets"
SPLITS = ("dev", "heldout", "fp")
LICENCE = "keys from gitleaks (MIT) and TruffleHog (AGPL-3.0) test cases: cached locally, never committed"
SCORING = "spans"
TYPES = ("SECRET",)

GITLEAKS = "gitleaks/gitleaks"
TRUFFLEHOG = "trufflesecurity/trufflehog"
ARCHIVE = "https://codeload.github.com/{repo}/tar.gz/HEAD"
_RULES = "cmd/generate/config/rules/"
_DETECTORS = "pkg/detectors/"
KEYS_PER_PROVIDER = 2
TEMPLATES_PER_KEY = 4


# --- reading the two repositories ------------------------------------------------------------------


def _git(mirror: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "--git-dir", str(mirror), *args],
        check=True,
        capture_output=True,
    )
    return out.stdout.decode("utf-8", errors="replace")


def _mirror_dir(mirror: Path, repo: str) -> Path | None:
    """The bare git dir of ``repo`` under ``mirror`` (the fetch layout ``owner+name/repo``) or ``mirror``."""
    slug = repo.replace("/", "+")
    for candidate in (mirror / slug / "repo", mirror / slug, mirror):
        try:
            remote = _git(
                candidate, "ls-tree", "--name-only", "HEAD", _RULES if "gitleaks" in repo else _DETECTORS
            )
        except (OSError, subprocess.CalledProcessError):
            continue
        if remote.strip():
            return candidate
    return None


def _files(repo: str, prefix: str, suffix: str, mirror: Path | None) -> dict[str, str]:
    """Path -> text of ``repo``'s files under ``prefix`` ending in ``suffix``."""
    if mirror is not None:
        git_dir = _mirror_dir(mirror, repo)
        if git_dir is None:
            raise Unavailable(f"no mirror of {repo} under {mirror}")
        names = _git(git_dir, "ls-tree", "-r", "--name-only", "HEAD", prefix).splitlines()
        return {n: _git(git_dir, "show", f"HEAD:{n}") for n in names if n.endswith(suffix)}
    url = ARCHIVE.format(repo=repo)
    try:
        with urllib.request.urlopen(url, timeout=120) as resp:
            data: bytes = resp.read()
    except (OSError, urllib.error.URLError) as exc:
        raise Unavailable(f"cannot download {url}: {exc}") from exc
    out: dict[str, str] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            path = member.name.split("/", 1)[-1]
            if member.isfile() and path.startswith(prefix) and path.endswith(suffix):
                handle = tar.extractfile(member)
                if handle is not None:
                    out[path] = handle.read().decode("utf-8", errors="replace")
    return out


# --- Go source: string literals and small expressions ----------------------------------------------

_GO_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "'": "'", "r": "\r"}


def _unquote(literal: str) -> str:
    if literal.startswith("`"):
        return literal[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), literal[1:-1])


def _balanced(text: str, start: int, opening: str = "(", closing: str = ")") -> int:
    """Index just past the bracket that closes the one at ``start`` (skipping string literals)."""
    depth, i = 0, start
    while i < len(text):
        if text[i] in '"`':
            m = _GO_STRING.match(text, i)
            if m is not None:
                i = m.end()
                continue
        if text[i] == opening:
            depth += 1
        elif text[i] == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


_GITLEAKS_CHARSETS = {
    "Numeric": "[0-9]{%s}",
    "Hex": "[a-f0-9]{%s}",
    "AlphaNumeric": "[a-z0-9]{%s}",
    "AlphaNumericExtendedShort": "[a-z0-9_-]{%s}",
    "AlphaNumericExtended": r"[a-z0-9=_\-]{%s}",
    "AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]{%s}",
}


class _Unresolved(Exception):
    pass


def _split_args(text: str) -> list[str]:
    args, depth, last, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in '"`':
            m = _GO_STRING.match(text, i)
            if m is not None:
                i = m.end()
                continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            args.append(text[last:i])
            last = i + 1
        i += 1
    args.append(text[last:])
    return [a.strip() for a in args if a.strip()]


def _eval(expr: str, rng: random.Random) -> str:
    """A gitleaks sample expression: literals, ``+``, ``utils.Hex("32")`` …, ``secrets.NewSecret(re)``."""
    parts: list[str] = []
    i, expr = 0, expr.strip()
    while i < len(expr):
        if expr[i] in " \t\n+":
            i += 1
            continue
        m = _GO_STRING.match(expr, i)
        if m is not None:
            parts.append(_unquote(m.group()))
            i = m.end()
            continue
        call = re.compile(r"(?:utils|secrets)\.([A-Za-z0-9_]+)\(").match(expr, i)
        if call is None:
            raise _Unresolved(expr[i:])
        end = _balanced(expr, call.end() - 1)
        args = _split_args(expr[call.end() : end - 1])
        name = call.group(1)
        if name in _GITLEAKS_CHARSETS and len(args) == 1:
            parts.append(_GITLEAKS_CHARSETS[name] % _eval(args[0], rng))
        elif name == "Hex8_4_4_4_12":
            parts.append("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        elif name == "NewSecret" and len(args) == 1:
            parts.append(generate(_eval(args[0], rng), rng))
        else:
            raise _Unresolved(name)
        i = end
    return "".join(parts)


def generate(pattern: str, rng: random.Random) -> str:
    """A random string matching a simple regular expression (classes, repeats, groups, alternatives)."""
    # The standard library's own regex parser (private, hence untyped): it gives the tree to walk.
    sre_parse: Any = importlib.import_module("re._parser")
    c: Any = importlib.import_module("re._constants")
    ANY, AT, BRANCH, CATEGORY, IN, LITERAL = c.ANY, c.AT, c.BRANCH, c.CATEGORY, c.IN, c.LITERAL
    MAX_REPEAT, MAXREPEAT, MIN_REPEAT, NEGATE = c.MAX_REPEAT, c.MAXREPEAT, c.MIN_REPEAT, c.NEGATE
    NOT_LITERAL, RANGE, SUBPATTERN = c.NOT_LITERAL, c.RANGE, c.SUBPATTERN

    categories = {
        "CATEGORY_DIGIT": "0123456789",
        "CATEGORY_WORD": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
        "CATEGORY_SPACE": " ",
    }
    printable = [chr(c) for c in range(33, 127)]

    def chars_of(items: list[tuple[Any, Any]]) -> list[str]:
        out: list[str] = []
        negate = False
        for op, av in items:
            if op is NEGATE:
                negate = True
            elif op is LITERAL:
                out.append(chr(av))
            elif op is RANGE:
                lo, hi = av
                out.extend(chr(c) for c in range(lo, hi + 1))
            elif op is CATEGORY:
                out.extend(categories.get(str(av), ""))
        if negate:
            return [c for c in printable if c not in out and c.isalnum()]
        return out

    def emit(tree: Any) -> str:
        s: list[str] = []
        for op, av in tree:
            if op is LITERAL:
                s.append(chr(av))
            elif op is NOT_LITERAL:
                s.append(rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz0123456789" if ord(c) != av]))
            elif op is IN:
                s.append(rng.choice(chars_of(av)))
            elif op is ANY:
                s.append(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789"))
            elif op in (MAX_REPEAT, MIN_REPEAT):
                lo, hi, sub = av
                hi = lo + 8 if hi is MAXREPEAT or hi == MAXREPEAT else hi
                s.extend(emit(sub) for _ in range(rng.randint(lo, hi)))
            elif op is SUBPATTERN:
                s.append(emit(av[-1]))
            elif op is BRANCH:
                s.append(emit(rng.choice(av[1])))
            elif op is AT:
                continue
            else:
                raise _Unresolved(str(op))
        return "".join(s)

    return emit(sre_parse.parse(pattern.replace("(?i)", "")))


# --- keys and false positives by provider ----------------------------------------------------------


@dataclass
class Provider:
    name: str  # normalised
    keyword: str  # how chat names the vendor
    keys: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _usable(key: str) -> bool:
    if not 8 <= len(key) <= 400 or any(c.isspace() for c in key):
        return False
    core = re.sub(r"[^A-Za-z0-9]", "", key)
    return len(core) >= 8 and not re.search(r"(.)\1{7,}", core) and len(set(core)) >= 6


def _gitleaks(files: dict[str, str], providers: dict[str, Provider]) -> list[str]:
    """Add gitleaks' true-positive keys to ``providers``; return its false-positive samples."""
    fps: list[str] = []
    for path, src in sorted(files.items()):
        stem = path.rsplit("/", 1)[-1].removesuffix(".go")
        if stem in ("generic", "stopwords", "curl", "privatekey", "jwt", "kubernetes", "config"):
            continue
        rng = random.Random(f"gitleaks:{stem}")
        for call in re.finditer(r"GenerateSampleSecrets?\(", src):
            end = _balanced(src, call.end() - 1)
            args = _split_args(src[call.end() : end - 1])
            if len(args) != 2 or not _GO_STRING.fullmatch(args[0]):
                continue
            ident = _unquote(args[0])
            try:
                key = _eval(args[1], rng)
            except (_Unresolved, ValueError, IndexError, re.error):
                continue
            if not _usable(key):
                continue
            norm = _norm(ident) or _norm(stem)
            prov = providers.setdefault(norm, Provider(norm, ident))
            prov.sources.add("gitleaks")
            if key not in prov.keys:
                prov.keys.append(key)
        for block in re.finditer(r"\bfps\s*(?::=|=)\s*(?:append\(fps,\s*)?\[\]string\{", src):
            end = _balanced(src, block.end() - 1, "{", "}")
            for literal in _GO_STRING.finditer(src, block.end(), end):
                sample = _unquote(literal.group())
                if 8 <= len(sample) <= 400:
                    fps.append(sample)
    return fps


_VAR = re.compile(r"(?m)^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|=)\s*(\"(?:[^\"\\\n]|\\.)*\"|`[^`]*`)\s*$")
_WANT = re.compile(r"want\s*:\s*\[\]string\{")
_KEYWORDS = re.compile(
    r"func \([a-z]+ \*?Scanner\) Keywords\(\) \[\]string \{\s*return \[\]string\{([^}]*)\}"
)


def _trufflehog(files: dict[str, str], providers: dict[str, Provider]) -> None:
    sources = {p: s for p, s in files.items() if not p.endswith("_test.go")}
    for path, src in sorted(files.items()):
        if not path.endswith("_test.go") or "integration" in path.rsplit("/", 1)[-1]:
            continue
        parts = path[len(_DETECTORS) :].split("/")
        if len(parts) < 2:
            continue
        folder = parts[0]
        variables = {m.group(1): _unquote(m.group(2)) for m in _VAR.finditer(src)}
        literals = [_unquote(m.group()) for m in _GO_STRING.finditer(src)]
        keyword = folder
        detector = next((s for p, s in sources.items() if p.startswith(path.rsplit("/", 1)[0] + "/")), "")
        kw = _KEYWORDS.search(detector)
        if kw is not None:
            words = [_unquote(w.group()) for w in _GO_STRING.finditer(kw.group(1))]
            alpha = [w for w in words if re.fullmatch(r"[A-Za-z][A-Za-z ]{2,}", w)]
            if alpha:
                keyword = alpha[0]
        norm = _norm(folder)
        for want in _WANT.finditer(src):
            end = _balanced(src, want.end() - 1, "{", "}")
            for arg in _split_args(src[want.end() : end - 1]):
                if _GO_STRING.fullmatch(arg):
                    key = _unquote(arg)
                    if sum(key in lit for lit in literals) < 2:
                        continue  # not found verbatim in an input: a combination of parts
                elif arg in variables:
                    key = variables[arg]
                else:
                    continue
                if not _usable(key):
                    continue
                prov = providers.setdefault(norm, Provider(norm, keyword))
                prov.sources.add("trufflehog")
                if key not in prov.keys:
                    prov.keys.append(key)


def split_of(provider: str) -> str:
    """``dev`` or ``heldout``: half the providers each, by a stable hash of the normalised name."""
    return "dev" if hashlib.sha256(provider.encode()).digest()[0] % 2 == 0 else "heldout"


# --- chat templates --------------------------------------------------------------------------------

# {k} vendor keyword, {K} upper-case identifier, {v} the key. A template is a list of messages;
# "|" starts a message by the other author.
_TEMPLATES: dict[str, tuple[str, ...]] = {
    "near_en": (
        "here's the {k} api key: {v}",
        "{k} token {v} - rotate it after the demo",
        "use this {k} key {v} for now",
        "new {k} secret is {v}",
    ),
    "away_en": (
        "here's the {k} token for the staging env, pls don't share it around: {v}",
        "can you try with {v}? it's the {k} key from the old project",
        "ok the {k} creds finally came through from ops, took them forever lol. {v}",
        "{v} <- that's the {k} api key, expires friday",
        "got the {k} key from Dana this morning, paste it into the dashboard: {v} thx",
    ),
    "near_zh": (
        "{k}的密钥：{v}",
        "{k} token 是 {v}",
        "{k}的key {v}",
    ),
    "away_zh": (
        "{k}的密钥发你了，记得别外传：{v}",
        "这个是{k}那边给的令牌，测试环境用的 {v} 用完告诉我",
        "{v} 这是{k}的API key，下周过期",
    ),
    "fence": (
        "```\n{K}_API_KEY={v}\n```",
        "try `{v}` ({k} key)",
        'in .env:\n```\nexport {K}_TOKEN="{v}"\n```',
    ),
    "prev_line": (
        "{k} key for prod\n{v}",
        "密钥（{k}）\n{v}",
    ),
    "prev_message": (
        "I'll send you the {k} token in a sec|>{v}",
        "anyone have the {k} api key?|{v}",
        "{k}的token发我一下|{v}",
        "here's the {k} key, don't lose it|>`{v}`",
    ),
    "bare": (
        "{v}",
        "{v} 👍",
    ),
}
# ">" after "|": the next message is by the same author.

_FILLER_EN = (
    "lunch at 12:30?",
    "can you review my PR when you get a chance",
    "the build is green again, thanks for the fix",
    "meeting moved to 3pm, same room",
    "I reset my password and now the VPN works",
    "deploy finished, 42 pods healthy",
    "who has the keys to the storage room?",
    "the token expired, I'll ask ops for a new one",
    "please rotate the api key after the audit",
    "ticket JIRA-4821 is blocked on the vendor",
    "ok sounds good",
    "the key takeaway: ship on Friday",
    "haha nice one",
    "order #A7734-221 shipped via UPS 1Z999AA10123456784",
)
_FILLER_ZH = (
    "中午一起吃饭吗？",
    "今天的会议改到下午三点",
    "密码我已经重置了，别担心",
    "令牌过期了，等运维重新发",
    "构建通过了，谢谢修复",
    "快递单号 SF1234567890123 明天到",
    "周五发布，大家注意一下",
    "好的，收到",
    "这个密钥需要轮换一下",
    "订单号 202403150001234 已经付款",
)


def _hard_negatives(rng: random.Random) -> list[str]:
    hx = "0123456789abcdef"
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    def r(chars: str, n: int) -> str:
        return "".join(rng.choice(chars) for _ in range(n))

    uuid = f"{r(hx, 8)}-{r(hx, 4)}-4{r(hx, 3)}-a{r(hx, 3)}-{r(hx, 12)}"
    return [
        f"fixed in commit {r(hx, 40)}, please pull",
        f"merged {r(hx, 7)} into main",
        f"sha256 checksum of the installer: {r(hx, 64)}",
        f"request id {uuid} failed with 502",
        f"trace_id={r(hx, 32)} span_id={r(hx, 16)}",
        f"![img](data:image/png;base64,{r(b64, 120)})",
        f"see https://docs.example.com/guides/{r('abcdefghijklmnopqrstuvwxyz', 12)}/setup?ref={r(hx, 12)}",
        f"md5 {r(hx, 32)} matches the release",
        f"the docker image digest is sha256:{r(hx, 64)}",
        f"问题单 {uuid} 已关闭",
        f"提交 {r(hx, 40)} 修复了这个问题",
    ]


def _render(template: str, provider: Provider, key: str) -> list[tuple[str, list[Span], bool]]:
    """Messages (text, spans, same author as the previous message) of one template."""
    ident = re.sub(r"[^A-Za-z0-9]+", "_", provider.keyword).strip("_").upper() or "VENDOR"
    out: list[tuple[str, list[Span], bool]] = []
    for i, part in enumerate(template.split("|")):
        same = i == 0 or part.startswith(">")
        part = part.removeprefix(">")
        text = part.replace("{k}", provider.keyword).replace("{K}", ident)
        spans: list[Span] = []
        at = text.find("{v}")
        if at >= 0:
            text = text[:at] + key + text[at + 3 :]
            spans.append(Span(at, at + len(key), "SECRET"))
        out.append((text, spans, same))
    return out


def _lang(text: str) -> str:
    return "zh" if re.search(r"[\u4e00-\u9fff]", text) else "en"


def build(providers: dict[str, Provider], fps: list[str]) -> dict[str, list[Example]]:
    """The dev and held-out examples (see the module docstring)."""
    splits: dict[str, list[Example]] = defaultdict(list)
    for name in sorted(providers):
        prov = providers[name]
        if not prov.keys:
            continue
        split = split_of(name)
        rng = random.Random(f"chat:{name}")
        groups = list(_TEMPLATES)
        for k, key in enumerate(prov.keys[:KEYS_PER_PROVIDER]):
            chosen = rng.sample(groups, TEMPLATES_PER_KEY)
            for g, group in enumerate(chosen):
                template = rng.choice(_TEMPLATES[group])
                conv = f"{split}/{name}/{k}-{group}-{g}"
                if rng.random() < 0.5:  # some small talk first, by the other author
                    filler = rng.choice(_FILLER_EN + _FILLER_ZH)
                    splits[split].append(
                        Example(f"{conv}/fb", filler, _lang(filler), conversation=conv, author="b")
                    )
                for m, (text, spans, same) in enumerate(_render(template, prov, key)):
                    author = "a" if same else "b"
                    splits[split].append(
                        Example(
                            f"{conv}/{m}{author}", text, _lang(text), spans, conversation=conv, author=author
                        )
                    )
        # Ordinary chat and hard negatives in the same proportion in both halves.
        for n, text in enumerate(
            rng.sample(_hard_negatives(rng), 3) + rng.sample(_FILLER_EN + _FILLER_ZH, 3)
        ):
            conv = f"{split}/{name}/neg-{n}"
            splits[split].append(Example(f"{conv}/0a", text, _lang(text), conversation=conv, author="a"))
    rng = random.Random("fp")
    for n, sample in enumerate(sorted(set(fps))):
        split = "fp"
        wrapper = rng.choice(("{s}", "is this line ok?\n{s}", "```\n{s}\n```", "这行配置有问题吗 {s}"))
        text = wrapper.replace("{s}", sample)
        conv = f"{split}/fp/{n}"
        splits[split].append(Example(f"{conv}/0a", text, _lang(text), conversation=conv, author="a"))
    return splits


def load(mirror: Path | None) -> tuple[dict[str, Provider], list[str]]:
    providers: dict[str, Provider] = {}
    fps = _gitleaks(_files(GITLEAKS, _RULES, ".go", mirror), providers)
    _trufflehog(_files(TRUFFLEHOG, _DETECTORS, ".go", mirror), providers)
    return providers, fps


def fetch(mirror: Path | None = None) -> None:
    """Write the dev and held-out splits into the cache.

    ``mirror``: a folder holding the two repositories' bare git dirs (``gitleaks+gitleaks/repo``,
    ``trufflesecurity+trufflehog/repo``), else both are downloaded from GitHub.
    """
    providers, fps = load(mirror)
    for split, examples in build(providers, fps).items():
        write_split(NAME, split, examples)


def examples(split: str, mirror: Path | None = None) -> Iterator[Example]:
    """The examples of ``split`` without going through the cache (for inspection)."""
    providers, fps = load(mirror)
    yield from build(providers, fps).get(split, [])
