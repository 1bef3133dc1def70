"""FRAUD_INDICATOR's scam-script detector: evasion, classes, warnings, forwarded scams, extension."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import fraud_benchmark
from recognizers.families import fraud


def _one(text: str) -> tuple[str, float, str]:
    results = fraud.FraudIndicatorRecognizer("zh").analyze(text, entities=None)
    assert len(results) == 1, results  # one finding per message
    r = results[0]
    why = r.analysis_explanation.textual_explanation
    assert text[r.start : r.end] not in why
    return text[r.start : r.end], r.score, why


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("您好，我是上海市公安局的民警，您的身份信息涉嫌洗钱，请配合调查，不要挂断", "冒充公检法"),
        ("急用钱？无需征信，当天放款，加V：dk88899", "贷款/征信"),
        ("您好，我是淘宝客服，您的订单异常，我们给您原路退款，请添加客服QQ 2156718902", "冒充客服/退款"),
        ("在吗？我是刘总，我在开会不方便接电话，你先帮我给客户转20万过去，账户我发你", "冒充领导熟人"),
        ("招聘兼职，日赚300元，点赞关注就有佣金，加微信了解", "刷单返利"),
        ("导师带单，日收益15%，稳赚不赔，先充值USDT就能开始", "投资理财"),
        ("恭喜您被节目组抽中为幸运观众，奖金18万元，请先交公证费领取", "虚假中奖"),
        ("我是顺丰的理赔专员，您的快递在运输途中丢失，我们将双倍赔偿，请添加我微信办理", "快递理赔"),
        (
            "Congratulations! You have won $1,000,000 in the lottery. Send your bank details to claim",
            "fake prize",
        ),
    ],
)
def test_one_finding_names_the_class(text: str, cls: str) -> None:
    _value, score, why = _one(text)
    assert cls in why and "cues:" in why
    assert 0.5 <= score <= 0.95


@pytest.mark.parametrize(
    "text",
    [
        "請馬上把錢轉到安全帳戶",  # traditional
        "请马上把钱转到安 全 账 户",  # spaces between characters
        "请马上把钱转到安*全*账*户",  # symbols between characters
        "兼职刷单，日赚５００，加ＱＱ：三三四九一二八八七五",  # full-width, Chinese numerals
        # Cyrillic look-alikes
        "Your аccount will be susреnded, verify at http://раypal-secure.example.com now",
        "急用钱？不查征信，秒批，加vx咨询",  # pinyin initials for WeChat
    ],
)
def test_evasion_is_normalised(text: str) -> None:
    assert fraud.assess(text).flagged, fraud.assess(text)


def test_normalise_keeps_offsets() -> None:
    text = "安*全*帳*戶"
    norm, where = fraud.normalise(text)
    assert norm == "安全账户"
    assert [text[i] for i in where] == ["安", "全", "帳", "戶"]


@pytest.mark.parametrize(
    "text",
    [
        "国家反诈中心提醒：凡是自称公检法要求转账到安全账户的都是诈骗，请勿相信",
        "温馨提示：银行工作人员不会向您索要验证码，请勿点击陌生链接，谨防诈骗",
        "Scam alert: the bank will never ask you to move money to a safe account",
        "【支付宝】验证码：384920，您正在登录，切勿将验证码告知他人",
    ],
)
def test_warnings_and_genuine_notices_are_not_reported(text: str) -> None:
    assert not fraud.assess(text).flagged


def test_a_forwarded_scam_is_reported_lower_and_said_to_be_forwarded() -> None:
    scam = "您的贷款已审核通过，但银行卡号填写错误导致资金冻结，需要缴纳解冻金3000元后方可提现"
    _, direct, _ = _one(scam)
    _, score, why = _one(f"收到一条短信：「{scam}」这是诈骗吗？")
    assert score < direct
    assert "forwarded" in why


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("您的包裹无法派送，请点击 http://t.cn/A6xYz8 更新地址", "short_link"),
        ("账户异常，请登录 http://192.168.10.3/login 验证", "ip_link"),
        ("账户异常，请登录 http://xn--80ak6aa92e.com 验证", "punycode"),
        ("账户异常，请登录 taobao-refund.example.top 验证", "lookalike"),
        ("下载这个 http://x.example.top/pay.apk 安装", "apk"),
    ],
)
def test_link_shapes_are_cues(text: str, cue: str) -> None:
    assert cue in {c.group.name for c in fraud.assess(text).cues}


def test_an_official_link_is_not_a_look_alike() -> None:
    names = {c.group.name for c in fraud.assess("请在 https://www.taobao.com/refund 查看").cues}
    assert "lookalike" not in names and "official_link" in names


def test_more_cues_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "cues.txt"
    extra.write_text(
        "# group: local_scam | pretext | other | 1.0 | a local scam script\n! 蓝鲸返利卡\n", "utf-8"
    )
    text = "办一张蓝鲸返利卡，马上转账"
    fraud._lexicon.cache_clear()
    try:
        assert not fraud.assess(text).flagged
        monkeypatch.setenv(fraud.ENV_CUES, str(extra))
        fraud._lexicon.cache_clear()
        assert fraud.assess(text).flagged
    finally:
        monkeypatch.delenv(fraud.ENV_CUES, raising=False)
        fraud._lexicon.cache_clear()


def test_a_malformed_cue_file_raises() -> None:
    with pytest.raises(ValueError):
        fraud.parse_lexicon("# group: x | nonsense | - | 1.0 | y\nterm\n", "bad.txt")
    with pytest.raises(ValueError):
        fraud.parse_lexicon("term before a group\n", "bad.txt")


def test_synthetic_dev_set_stays_above_target() -> None:
    cases = fraud_benchmark.synthetic()
    cases += fraud_benchmark.evasion(cases)
    flagged = [fraud.assess(t).flagged for _, _, t in cases]
    tp = sum(f for (_, c, _), f in zip(cases, flagged, strict=True) if c != "benign")
    fp = sum(f for (_, c, _), f in zip(cases, flagged, strict=True) if c == "benign")
    pos = sum(1 for _, c, _ in cases if c != "benign")
    assert tp / pos >= 0.9 and tp / (tp + fp) >= 0.95


def test_through_the_analyzer_one_finding_beside_the_personal_data() -> None:
    from scanner.analyzer import AnalyzerConfig, ChatAnalyzer

    text = "我是淘宝客服，您的订单异常，给您原路退款，请添加客服QQ 2156718902，或致电 13912345678"
    found = [(d.entity, text[d.start : d.end]) for d in ChatAnalyzer(AnalyzerConfig(ner=False)).analyze(text)]
    fraud_found = [v for e, v in found if e == "FRAUD_INDICATOR"]
    assert len(fraud_found) == 1 and "1391" not in fraud_found[0]
    assert ("PHONE_NUMBER", "13912345678") in found


def test_a_scam_inside_a_pasted_document_is_not_read_for_cues() -> None:
    from recognizers.families.fraud import MAX_MESSAGE_CHARS, FraudIndicatorRecognizer

    scam = "您好，我是公安局民警，您的账户涉嫌洗钱，请立即将资金转入安全账户配合调查。"
    rec = FraudIndicatorRecognizer("zh")
    assert rec.analyze(scam, None)
    padding = "日志 ok " * (MAX_MESSAGE_CHARS // 6)
    assert rec.analyze(scam + padding, None) == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "cannot read the fraud cue file"), ("a term before any group\n", "term before the first")],
    ids=["missing", "malformed"],
)
def test_a_broken_extra_cue_file_is_a_usage_error_before_any_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    reason: str,
) -> None:
    from scanner import pipeline
    from scanner.analyzer import ChatAnalyzer
    from tests.helpers import REPO, run_cli

    monkeypatch.setattr(pipeline, "ChatAnalyzer", ChatAnalyzer)  # built anew, not the tests' shared one
    cues = tmp_path / "cues.txt"
    if content is not None:
        cues.write_text(content, encoding="utf-8")
    monkeypatch.setenv(fraud.ENV_CUES, str(cues))
    fraud._lexicon.cache_clear()
    try:
        with pytest.raises(fraud.FraudCuesError, match=reason):
            fraud.FraudIndicatorRecognizer("zh")
        run = run_cli(
            capsys, "scan", str(REPO / "examples" / "chat.jsonl"), "--no-ner", "-o", "-", "--format", "json"
        )
        assert run.code == 2 and reason in run.stderr and "Traceback" not in run.stderr
        assert run.stdout == ""
    finally:
        monkeypatch.delenv(fraud.ENV_CUES)
        fraud._lexicon.cache_clear()


def test_the_model_file_is_read() -> None:
    model = fraud._model()
    assert model is not None
    assert {"benign", "police", "loan", "service", "boss"} <= set(model.classes)
    assert len(model.bias) == len(model.classes) and len(model.weights) > 1000


def _rules_only(text: str, monkeypatch: pytest.MonkeyPatch) -> fraud.Assessment:
    with monkeypatch.context() as m:
        m.setattr(fraud, "_model", lambda: None)
        return fraud.assess(text)


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("我是你大学室友啊，不记得我了？最近手头有点紧", "boss"),
        ("你好，这边是派出所，你的身份证被人拿去办了卡，现在你也在名单里", "police"),
        ("无抵押贷款，当天下款，不看征信，有需要的联系我", "loan"),
    ],
)
def test_the_model_reports_what_the_cues_miss(text: str, cls: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not _rules_only(text, monkeypatch).flagged
    result = fraud.assess(text)
    assert result.flagged and result.cls == cls and result.model >= fraud.MODEL_ALONE
    assert result.ngrams  # the n-grams behind it, for the benchmark's misses
    _value, score, why = _one(text)
    assert "trained model" in why and fraud.CLASSES[cls][0] in why
    told = why.replace(fraud.CLASSES[cls][0], "")  # the class name may share a word (贷款)
    assert not any(g in told for g in result.ngrams)  # the explanation never quotes the message
    assert fraud.SCORE_MIN <= score <= fraud.SCORE_MAX


def test_the_model_vetoes_weak_cues_on_a_genuine_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "【中国移动】您的话费充值100元已到账，当前余额145.20元，感谢您的支持。"
    assert _rules_only(text, monkeypatch).flagged
    result = fraud.assess(text)
    assert not result.flagged and result.model < fraud.MODEL_VETO


@pytest.mark.parametrize(
    "text",
    [
        "把验证码发给我",  # one very specific phrase
        "Im in a meeting and can’t talk right now, buy 3 Steam cards for the client asap",  # English
    ],
)
def test_the_model_does_not_overrule_specific_phrases_or_english(text: str) -> None:
    result = fraud.assess(text)
    assert result.flagged and result.model < fraud.MODEL_VETO


@pytest.mark.parametrize(
    "text",
    [
        "严酷的现实摆在她面前：买房的贷款还差30万铢没有付清，每月需付银行贷款和利息7500铢。",  # news
        "明天上午十点开会，记得把季度报表带上",
        "【国家反诈中心】提醒您：公检法机关不会通过电话办案，不存在安全账户，凡是要求转账的都是诈骗！",
    ],
)
def test_the_model_leaves_news_chat_and_warnings_alone(text: str) -> None:
    assert not fraud.assess(text).flagged


def test_model_features_leave_links_and_numbers_out() -> None:
    norm, _ = fraud.normalise("请点击 http://abc-refund.example.top/x 领取3000元")
    features = fraud.model_features(norm, fraud._shapes(norm))
    assert "§url" in features and "§amount" in features
    assert "0元" in features and "3000" not in features
    assert not any("abc" in f or "example" in f for f in features)


def test_a_broken_model_file_is_an_error() -> None:
    with pytest.raises(ValueError, match="classes"):
        fraud.parse_model("bias\t0.1\nfoo\t0:1.0\n")


def test_a_signed_notice_that_moves_the_reader_nowhere_needs_the_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    advert = "【建设银行】快贷额度已更新，最高可借20万元，年化利率低至3.5%，详情登录建行手机银行查看。"
    assert _rules_only(advert, monkeypatch).flagged
    result = fraud.assess(advert)
    assert fraud.MODEL_VETO <= result.model < fraud.MODEL_VETO_NOTICE and not result.flagged
    scam = "【京东金融】您的白条已逾期，将影响征信，请联系专员QQ 2156718902 处理"  # moves the reader to QQ
    norm, _ = fraud.normalise(scam)
    assert not fraud._plain_notice(norm, fraud.assess(scam).cues)
    assert fraud.assess(scam).flagged


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("小刘，我是你们局长，明天一早来我这里一趟，先把这个号存上", "我是你们局长"),
        ("我，你哥，手机坏了，用别人手机发的，急用8000，先打这张卡", "我，你哥"),
        ("我是你们的老板，你现在马上去银行，把公司账户里的钱转到这个账户", "我是你们的老板"),
        ("喂，小王啊，我是你王叔，你爸让我找你借点钱，他不好意思开口", "我是你王叔"),
        ("我是陈总，你去银行办一下，把这个季度的款打给我新的合作单位，账号我晚点发给你", "我是陈总"),
        ("姐，是我，我被人骗了，急需要钱，你能帮我一下吗？", "姐，是我"),
        ("喂，老李，是我，老张，我在外面遇到点事，需要你帮个忙", "是我，老张，"),
        ("领导好，我是您的下属，公司有个紧急情况，需要您转一笔钱", "我是您的下属"),
    ],
)
def test_a_claimed_identity_with_a_request_for_money(
    text: str, span: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _rules_only(text, monkeypatch)
    assert result.flagged and result.cls == "boss"
    start, end = fraud._span(result)
    assert text[start:end] == span


@pytest.mark.parametrize(
    "text",
    [
        "我是你们部门新来的经理，以后请多关照",  # an introduction, no request
        "我是你同学的妈妈，孩子们周末一起去公园玩吧",  # a claim, no money
        "他说他是你们老板，让我转钱，我没理他",  # a story told of someone else
        "我是王总的助理，会议改到下午三点",  # someone else's assistant, no request
        "妈，是我，我到家了",  # kin without a request
    ],
)
def test_a_claimed_identity_alone_is_no_scam(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "claimed_identity" not in {c.group.name for c in _rules_only(text, monkeypatch).cues}


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "你的借款由于风控原因被冻结，需要你支付20%的保证金，我们会在24小时之内放款",
            "需要你支付20%的保证金",
        ),
        ("您的贷款审核已通过，因为你是首次借款，需要先支付一个月的利息才能放款", "需要先支付一个月的利息"),
        ("你好我是闲鱼客服，你的账号被冻结了，要交500保证金才能解冻", "要交500保证金"),
    ],
)
def test_a_demand_to_pay_first(text: str, span: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _rules_only(text, monkeypatch)
    assert result.flagged
    found = [text[c.start : c.end] for c in result.cues if c.group.name == "pay_first"]
    assert found == [span]


@pytest.mark.parametrize(
    "text",
    [
        "正规贷款放款前不需要支付任何费用",  # negated
        "这个月的会员费我已经交了",  # no demand
        "【国家电网】您的电费余额不足，请及时缴费",  # a bill, no fee demanded first
    ],
)
def test_no_demand_to_pay_first(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "pay_first" not in {c.group.name for c in _rules_only(text, monkeypatch).cues}


def test_a_request_for_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "您好，我是保险公司的，您买的保险被误扣了，需要给您退费，请提供验证码"
    result = _rules_only(text, monkeypatch)
    assert result.flagged
    assert text[slice(*fraud._span(result))] == "提供验证码"
    assert not _rules_only("工作人员不会要求您提供验证码", monkeypatch).flagged


@pytest.mark.parametrize(
    ("text", "group", "span"),
    [
        (
            "Hi Mum, I lost my phone, this is my new number. Can you send me 200 for a bill?",
            "claimed_identity",
            "Hi Mum",
        ),
        (
            "Hey, it's your brother, my card got blocked, can you wire me $300?",
            "claimed_identity",
            "it's your brother",
        ),
        (
            "Your parking fine is overdue. Pay the fine now at city-fines-pay.info to avoid court.",
            "pay_first",
            "Pay the fine now",
        ),
        (
            "To unlock your refund, reply with your card number and CVV.",
            "pay_first",
            "reply with your card number",
        ),
    ],
)
def test_english_claims_and_demands(
    text: str, group: str, span: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _rules_only(text, monkeypatch)
    assert result.flagged
    assert [text[c.start : c.end] for c in result.cues if c.group.name == group] == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Mum, I'm home, dinner was great thanks!",
        "Please pay the invoice by Friday as usual",
        "I paid the parking fine online yesterday",
        "Never give anyone your PIN or password",
    ],
)
def test_english_near_misses(text: str) -> None:
    result = fraud.assess(text)
    assert not result.flagged
    assert not {"claimed_identity", "pay_first"} & {c.group.name for c in result.cues}


def test_a_newcomer_who_asks_for_nothing_is_no_boss_scam() -> None:
    result = fraud.assess("我是你们公司新来的同事，以后请多关照。")
    assert not result.flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        # An operator's own points notice: its link is the operator's, it asks for nothing.
        (
            "【中国联通】尊敬的客户，您的积分12000分即将到期，可兑换话费或流量，"
            "详情点击 u.10010.cn/qAbc 回复TD退订",
            False,
        ),
        ("【中国银行】您的信用卡积分即将到期，请登录中国银行APP积分商城兑换。", False),
        ("【顺丰】您的快件因地址不详退回，如需重新派送请联系快递员，详情 sf-express.com", False),
        # The points scam: a look-alike domain and card details, or an app file.
        ("【中国移动】尊敬的客户，您的积分即将清零，可兑换现金，点击 10086-jf.com 输入银行卡号领取", True),
        ("【中国移动】您的积分可兑换328元现金，请下载 jf-app.top/cmcc.apk 领取", True),
    ],
)
def test_points_notices_and_points_scams(text: str, flagged: bool) -> None:
    assert fraud.assess(text).flagged is flagged


def test_operator_and_shop_domains_are_official() -> None:
    for url in ("u.10010.cn/qAbc", "a.189.cn/xyz", "3.cn/xyz", "m.tb.cn/h.5Gx", "dx.10086.cn/zd"):
        assert fraud._link_cue(url) is fraud._OFFICIAL, url
    for url in ("10010-jf.com", "10086-jf.com", "jd-jr.vip/tx"):
        assert fraud._link_cue(url) is fraud._LOOKALIKE, url


def test_customer_service_asking_the_reader_to_act(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "你好，我是支付宝客服，您的支付宝账户存在安全问题，需要您进行实名认证"
    result = _rules_only(text, monkeypatch)
    assert result.flagged and result.cls == "service"
    assert [text[c.start : c.end] for c in result.cues if c.group.name == "service_ask"] == ["认证"]
    for genuine in (
        "您好，我是淘宝客服，您的退款已经处理好了，三个工作日内原路退回",  # a state, no request
        "我是京东客服，您反馈的问题我们已经记录，会尽快给您回复",
        "我是客服，不需要您提供验证码，请放心",  # negated
    ):
        assert "service_ask" not in {c.group.name for c in _rules_only(genuine, monkeypatch).cues}, genuine


def test_the_model_alone_needs_customer_service_to_ask_something() -> None:
    # Genuine customer service telling a state is not reported, however much it sounds like a script.
    assert not fraud.assess("您好，我是淘宝客服，您的退款已经处理好了，三个工作日内原路退回").flagged
    # The script proposes money back to the reader and asks whether they can talk.
    assert fraud.assess(
        "您好，我是网店的售后，您买的外套有质量问题，要给您办理退款，请问您现在方便吗"
    ).flagged


def test_an_app_file_off_a_store_is_a_bad_link(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "【中国移动】您的积分可兑换328元现金，请下载 jf-app.top/cmcc.apk 领取"
    assert _rules_only(text, monkeypatch).flagged
    assert not _rules_only("新版本已上架应用商店，请在应用商店下载更新", monkeypatch).flagged
