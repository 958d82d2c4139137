"""The shipped default models: they load, flag fraud SMS and name a narrative's fraud type."""
from __future__ import annotations

import pytest

from fanzha.domain.fraud_type import FraudType
from fanzha.engines.text_corpus import world_narratives, world_sms
from fanzha.engines.text_defaults import (
    default_model_path,
    default_narrative_model,
    default_sms_model,
    sms_fraud_probability,
)


def test_default_models_are_small_files() -> None:
    for name in ("sms", "narrative"):
        path = default_model_path(name)
        assert path.exists(), f"{path} missing: run `fanzha text build-defaults --out fanzha/models`"
        assert path.stat().st_size < 1024 * 1024


def test_default_sms_model_flags_an_obvious_fraud_sms() -> None:
    model = default_sms_model()
    assert sorted(model.labels) == ["fraud", "normal"]
    label, confidence, _ = model.suggest("您的账户涉嫌洗钱，请立即将资金转入安全账户")
    assert label == "fraud" and confidence > 0.7
    assert model.suggest("晚上回来吃饭吗？我买了鱼").label == "normal"
    assert model.suggest("【中国移动】尊敬的客户，您本月话费账单已出，消费58.00元").label == "normal"
    p = sms_fraud_probability(["兼职刷单，日结佣金，加QQ12345678", "开会改到下午三点"])
    assert p[0] > 0.5 > p[1]


def test_default_narrative_model_names_the_fraud_type() -> None:
    model = default_narrative_model()
    assert sorted(model.labels) == sorted(t.label_zh for t in FraudType)
    story = ("5月3日上午我接到一个自称是市公安局民警的电话，说我的身份证被人冒用开了银行卡，涉嫌一起洗钱案，"
             "要我把存款转到“安全账户”配合调查，还不让告诉家人，我在手机银行转了3笔共12万元。")
    label, confidence, alternatives = model.suggest(story)
    assert label == FraudType.FAKE_POLICE.label_zh
    assert 0.5 < confidence <= 1.0 and len(alternatives) == 2
    brushing = "我在网上看到兼职广告，做刷单任务返佣金，前几单返了钱，后来要垫付才能提现，我转了5笔共3万元。"
    assert model.suggest(brushing).label == FraudType.ORDER_BRUSHING.label_zh


def test_unknown_default_name() -> None:
    with pytest.raises(ValueError, match="unknown default model"):
        default_model_path("calls")


def test_a_world_gives_labelled_sms_and_narratives(small_world) -> None:
    sms = world_sms(small_world)
    assert len(sms) == len(set(sms.texts)) > 50
    assert set(sms.labels) == {"fraud", "normal"}
    narratives = world_narratives(small_world)
    assert narratives.texts and set(narratives.labels) <= {t.label_zh for t in FraudType}


@pytest.fixture(scope="module")
def small_world(tmp_path_factory):
    from fanzha.sim.city import simulate

    out = tmp_path_factory.mktemp("text-world") / "world"
    simulate(residents=1000, days=10, seed=3, out=out, progress=False)
    return out
