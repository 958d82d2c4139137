"""The text classifier engine: learning, probabilities, suggestions, model files, bad input."""
from __future__ import annotations

import zipfile

import numpy as np
import pytest

from fanzha.engines.text_classifier import TextClassifier, TextModelError, TrainingDataError
from fanzha.engines.text_evaluation import evaluate, evaluate_predictions
from fanzha.engines.text_model_file import FORMAT, VERSION, read_model_file
from fanzha.engines.text_noise import add_noise

# Hand-written templates (not the simulator's), a few per class, with slots.
TEMPLATES = {
    "刷单返利": (
        "招聘兼职刷单员，每单返佣金{small}元，日结，加QQ{qq}",
        "在家动动手指点赞就能赚钱，日入{mid}元，下载{url}",
        "做任务返本金加佣金，垫付越多返利越多，联系{qq}",
        "宝妈学生党兼职，抖音点赞一单{small}元，详情加微信{wx}",
    ),
    "冒充公检法": (
        "我是市公安局民警，你的身份证涉嫌洗钱案件，需要把资金转入安全账户配合调查",
        "【检察院】你名下银行卡涉嫌非法集资{big}元，请立即联系办案人员，查询{url}",
        "你涉嫌一起诈骗案，已被立案，通缉令见{url}，不要告诉家人",
        "公安机关通知：你的账户将被冻结，需做资金清查，请转账到指定账户",
    ),
    "虚假网络贷款": (
        "无抵押贷款，额度{big}元，当天放款，点击{url}申请",
        "不看征信黑户也能借，秒批{big}元，联系客服{wx}",
        "你的贷款已通过审核，需先交{mid}元保证金解冻账户",
        "急用钱？身份证即可借款，极速到账，下载{url}",
    ),
    "正常": (
        "晚上回家吃饭吗，我买了鱼",
        "【中国移动】尊敬的客户，你本月话费{small}元，详情登录APP查询",
        "会议改到明天下午三点，记得带材料",
        "你的快递已到小区驿站，取件码{code}，请及时领取",
        "【工商银行】你尾号{code}的卡消费{mid}元，余额以账户为准",
    ),
}


def fill(rng: np.random.Generator, template: str) -> str:
    return template.format(
        small=int(rng.choice([5, 8, 10, 20, 50])), mid=int(rng.choice([200, 500, 800, 1500])),
        big=int(rng.choice([10000, 50000, 200000])), qq=int(rng.integers(10**8, 4 * 10**9)),
        wx="wx" + str(int(rng.integers(10**5, 10**7))), code=f"{int(rng.integers(0, 10**4)):04d}",
        url=f"http://{''.join(rng.choice(list('abcdefgh'), 6))}.top/{int(rng.integers(100, 999))}")


def labelled_rows(seed: int = 0, per_class: int = 80) -> list[tuple[str, str]]:
    """(text, label) pairs, shuffled; a few hundred in all."""
    rng = np.random.default_rng(seed)
    rows = [(fill(rng, str(rng.choice(templates))), label)
            for label, templates in TEMPLATES.items() for _ in range(per_class)]
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


@pytest.fixture(scope="module")
def trained() -> TextClassifier:
    rows = labelled_rows(0)
    return TextClassifier().fit([t for t, _ in rows], [lbl for _, lbl in rows])


def test_separable_texts_are_learned(trained) -> None:
    test = labelled_rows(1, per_class=30)
    result = evaluate(trained, [t for t, _ in test], [lbl for _, lbl in test])
    assert set(result) >= {"n", "accuracy", "macro_f1", "per_class"}
    assert result["n"] == 120
    assert result["macro_f1"] >= 0.97
    assert set(result["per_class"]) == set(TEMPLATES)
    assert set(result["per_class"]["正常"]) == {"precision", "recall", "f1", "support"}
    assert sorted(trained.labels) == sorted(TEMPLATES)


def test_disguised_texts_are_still_recognised(trained) -> None:
    rng = np.random.default_rng(5)
    test = labelled_rows(2, per_class=30)
    noisy = [add_noise(t, rng) for t, _ in test]
    result = evaluate(trained, noisy, [lbl for _, lbl in test])
    assert result["macro_f1"] >= 0.9
    # the usual disguises of one text land on the same label
    text = "我是市公安局民警，你的身份证涉嫌洗钱案件，需要把资金转入安全账户配合调查"
    for disguised in (text, "我 是 市 公 安 局 民 警 ， 你 的 身 份 证 涉 嫌 洗 錢 案 件 ， 需 要 把 資 金 轉 入 安 全 帳 戶",
                      "我是市公安局民警😀你的身份证涉嫌洗钱案件🔥需要把资金转入安全账户配合调查👉",
                      "我是市公安局民警，你的身份證涉嫌洗錢案件，需要把資金轉入安全賬戶配合調查"):
        assert trained.predict([disguised])[0] == "冒充公检法", disguised


def test_probabilities_and_suggestions(trained) -> None:
    texts = ["不看征信也能借款，当天放款5万元", "明天下午开会记得带材料"]
    proba = trained.predict_proba(texts)
    assert proba.shape == (2, 4)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert list(trained.predict(texts)) == ["虚假网络贷款", "正常"]
    s = trained.suggest(texts[0])
    label, confidence, alternatives = s
    assert label == "虚假网络贷款" and 0.0 <= confidence <= 1.0
    assert len(alternatives) == 2
    assert all(0.0 <= p <= confidence for _, p in alternatives)
    assert [p for _, p in alternatives] == sorted((p for _, p in alternatives), reverse=True)
    assert trained.suggest(texts[0], top=1).alternatives == []
    reasons = trained.explain(texts[0])
    assert reasons and all(weight > 0 for _, weight in reasons)


def test_any_labels_in_any_language() -> None:
    rows = labelled_rows(3, per_class=40)
    english = {"刷单返利": "brushing", "冒充公检法": "police", "虚假网络贷款": "loan", "正常": "normal"}
    model = TextClassifier().fit([t for t, _ in rows], [english[lbl] for _, lbl in rows])
    assert sorted(model.labels) == ["brushing", "loan", "normal", "police"]
    assert model.predict(["你涉嫌洗钱，把钱转入安全账户"])[0] == "police"

    numbers = TextClassifier().fit([t for t, _ in rows], [1 if lbl != "正常" else 0 for _, lbl in rows])
    assert numbers.labels == ["0", "1"]
    assert numbers.predict(["晚上回家吃饭吗"])[0] == "0"


def test_save_and_load_give_the_same_predictions(trained, tmp_path) -> None:
    path = trained.save(tmp_path / "model.npz")
    again = TextClassifier.load(path)
    texts = [t for t, _ in labelled_rows(4, per_class=10)] + ["", "完全无关的一句话"]
    assert list(again.predict(texts)) == list(trained.predict(texts))
    assert np.array_equal(again.predict_proba(texts), trained.predict_proba(texts))
    assert again.labels == trained.labels
    meta, arrays = read_model_file(path)
    assert meta["format"] == FORMAT and meta["version"] == VERSION
    assert meta["labels"] == trained.labels
    assert meta["training"]["texts"] == 320
    assert all(not a.dtype.hasobject for a in arrays.values())
    # the same model gives the same bytes
    assert trained.save(tmp_path / "again.npz").read_bytes() == path.read_bytes()


def test_blank_rows_are_skipped_and_counted() -> None:
    rows = labelled_rows(6, per_class=20)
    texts = [t for t, _ in rows] + ["", "   ", None, "有文字没有标签"]
    labels = [lbl for _, lbl in rows] + ["正常", "正常", "正常", ""]
    model = TextClassifier().fit(texts, labels)
    assert model.training_["texts"] == 80
    assert model.training_["skipped_empty_text"] == 3
    assert model.training_["skipped_empty_label"] == 1
    result = evaluate(model, texts, labels)
    assert result["n"] == 80 and result["skipped_empty_text"] == 3 and result["skipped_empty_label"] == 1


def test_training_data_it_cannot_learn_from() -> None:
    with pytest.raises(TrainingDataError, match="at least two"):
        TextClassifier().fit(["一条短信", "另一条短信"], ["fraud", "fraud"])
    with pytest.raises(TrainingDataError, match="no texts"):
        TextClassifier().fit(["", " "], ["a", "b"])
    with pytest.raises(TrainingDataError, match="2 texts but 1 labels"):
        TextClassifier().fit(["一", "二"], ["a"])
    with pytest.raises(ValueError, match="not trained"):
        TextClassifier().predict(["一"])


def test_files_that_are_not_models(tmp_path) -> None:
    with pytest.raises(TextModelError, match="no such model file"):
        TextClassifier.load(tmp_path / "missing.npz")
    text = tmp_path / "notes.txt"
    text.write_text("not a model", encoding="utf-8")
    with pytest.raises(TextModelError, match="not a Fanzha text model"):
        TextClassifier.load(text)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, weights=np.zeros(3))
    with pytest.raises(TextModelError, match="not a Fanzha text model"):
        TextClassifier.load(foreign)
    broken = tmp_path / "broken.npz"
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("meta.npy", b"garbage")
    with pytest.raises(TextModelError):
        TextClassifier.load(broken)


def test_a_newer_format_version_is_refused(trained, tmp_path) -> None:
    from fanzha.engines.text_model_file import write_model_file

    meta, arrays = read_model_file(trained.save(tmp_path / "m.npz"))
    write_model_file(tmp_path / "future.npz", meta, arrays)  # rewrites the header with this version
    TextClassifier.load(tmp_path / "future.npz")
    import fanzha.engines.text_model_file as mf

    old = mf.VERSION
    try:
        mf.VERSION = old + 1
        write_model_file(tmp_path / "future.npz", meta, arrays)
    finally:
        mf.VERSION = old
    with pytest.raises(TextModelError, match="version"):
        TextClassifier.load(tmp_path / "future.npz")


def test_evaluation_counts_labels_the_model_never_learned() -> None:
    result = evaluate_predictions(["a", "b", "c"], ["a", "b", "b"])
    assert result["per_class"]["c"]["recall"] == 0.0
    assert result["accuracy"] == pytest.approx(2 / 3, abs=1e-6)
    assert result["confusion"]["labels"] == ["a", "b", "c"]
