"""Normalising texts: disguises undone, links, numbers and amounts replaced by placeholders."""
from __future__ import annotations

import numpy as np
import pytest

from fanzha.engines.text_cues import cues
from fanzha.engines.text_features import TextFeatures
from fanzha.engines.text_hanzi import TRADITIONAL_TO_SIMPLIFIED, to_simplified
from fanzha.engines.text_noise import add_noise
from fanzha.engines.text_normalise import PLACEHOLDERS as P
from fanzha.engines.text_normalise import normalise

PLAIN = "您的账户涉嫌洗钱请立即将资金转入安全账户"


@pytest.mark.parametrize("disguised", [
    "您的账户涉嫌洗钱，请立即将资金转入安全账户。",
    "您 的 账 户 涉 嫌 洗 钱 ， 请 立 即 将 资 金 转 入 安 全 账 户",
    "您的帳戶涉嫌洗錢，請立即將資金轉入安全賬戶",
    "您的账户😀涉嫌洗钱🔥，请立即将资金转入安全账户👉",
    "您的账户\u200b涉嫌\u200c洗钱，请立即将资金转入安全账户",
    "您丨的丨账丨户丨涉丨嫌丨洗丨钱，请立即将资金转入安全账户",
    "您的账户涉嫌洗钱！！请立即将资金转入安全账户～",
])
def test_disguises_are_undone(disguised: str) -> None:
    assert normalise(disguised).replace(P["emoji"], "") == PLAIN


def test_full_width_letters_and_digits_become_half_width() -> None:
    assert normalise("ＡＰＰ下载") == "app下载"
    assert normalise("加ＱＱ：１２３４５６７８９") == normalise("加QQ:123456789") == "加qq" + P["qq"]


@pytest.mark.parametrize(("text", "expected"), [
    ("点击 https://app.abc123.icu/x7k2 领取", "点击" + P["url"] + "领取"),
    ("登录www.fake-bank.com办理", "登录" + P["url"] + "办理"),
    ("访问 t.cn/A6abcd 查看", "访问" + P["url"] + "查看"),
    ("联系13812345678", "联系" + P["mobile"]),
    ("联系 138-1234-5678", "联系" + P["mobile"]),
    ("拨打400-123-4567", "拨打" + P["landline"]),
    ("加微信abc12345", "加微信" + P["account_id"]),
    ("加薇信：wxid_k2j3h4", "加微信" + P["account_id"]),
    ("验证码123456", "验证码" + P["number_otp"]),
    ("尾号8899", "尾号" + P["number_code"]),
    ("支出12.50元", "支出" + P["amount_small"]),
    ("消费1,200.00元", "消费" + P["amount_medium"]),
    ("借款3.5万", "借款" + P["amount_large"]),
    ("￥50000", P["amount_large"]),
    ("日收益12%", "日收益" + P["percent"]),
    ("5月30日15时许", P["datetime"] + "许"),
    ("卡号6222020200112233445", "卡号" + P["number_long"]),
    ("发邮件到a.b@qq.com", "发邮件到" + P["email"]),
])
def test_placeholders(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_blank_and_none() -> None:
    assert normalise("") == "" and normalise(None) == "" and normalise("  ，。 ") == ""


def test_traditional_table_never_changes_simplified_text() -> None:
    simplified = set(TRADITIONAL_TO_SIMPLIFIED.values())
    assert not simplified & {chr(c) for c in TRADITIONAL_TO_SIMPLIFIED}
    assert to_simplified("这是简体中文，账户资金安全") == "这是简体中文，账户资金安全"
    assert len(TRADITIONAL_TO_SIMPLIFIED) > 900


def test_cues_name_the_moves_of_a_script() -> None:
    found = cues(normalise("您的账户涉嫌洗钱，请立即将资金转入安全账户"))
    assert {"authority", "urgency", "safe_account"} <= set(found)
    assert "verification_code" in cues(normalise("验证码123456，请勿泄露"))


def test_noise_is_deterministic_and_mostly_undone() -> None:
    text = "日结兼职，手机点赞返佣，每单10元，加QQ123456789，下载https://a.bcd.top/x"
    a = [add_noise(text, np.random.default_rng(i)) for i in range(50)]
    b = [add_noise(text, np.random.default_rng(i)) for i in range(50)]
    assert a == b and len(set(a)) > 40
    base = set(TextFeatures().tokens(text)[0])
    overlaps = [len(base & set(TextFeatures().tokens(t)[0])) / len(base) for t in a]
    assert np.median(overlaps) > 0.6
