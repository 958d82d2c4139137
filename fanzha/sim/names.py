"""Chinese personal and business names, drawn vectorised from weighted character tables."""
from __future__ import annotations

import numpy as np
import polars as pl

# Putian's own mix: 林, 陈, 黄, 郑 and 吴 lead, as in most of Fujian.
LOCAL_SURNAMES = {
    "林": 8, "陈": 8, "黄": 6, "郑": 5, "吴": 4, "李": 4, "王": 4, "张": 3, "刘": 2, "杨": 2,
    "蔡": 2, "许": 2, "方": 2, "朱": 2, "翁": 1.5, "徐": 1.5, "周": 1.5, "游": 1, "魏": 1, "余": 1,
    "卓": 1, "谢": 1, "何": 1, "赵": 1, "孙": 1, "胡": 1, "郭": 1, "高": 1, "罗": 1, "宋": 1,
    "唐": 1, "江": 1, "柯": 1, "肖": 1, "潘": 1, "欧阳": 0.2,
}
# The national mix, for people from other provinces (mule card holders).
NATIONAL_SURNAMES = {
    "王": 7, "李": 7, "张": 6.5, "刘": 5.5, "陈": 4.5, "杨": 3.1, "黄": 2.2, "赵": 2, "吴": 1.9,
    "周": 1.9, "徐": 1.5, "孙": 1.4, "马": 1.3, "朱": 1.2, "胡": 1.2, "郭": 1.1, "何": 1, "罗": 1,
    "高": 1, "林": 0.9, "梁": 0.9, "宋": 0.8, "郑": 0.8, "谢": 0.7, "韦": 0.6, "唐": 0.6, "冯": 0.6,
    "邓": 0.6, "蒋": 0.5, "覃": 0.4, "龙": 0.3, "田": 0.3, "彭": 0.5, "曾": 0.5,
}
MALE_CHARS = "伟强磊军洋勇杰涛明超华斌鹏辉建志国文俊浩宇轩博晨子宏海峰平东金龙成福荣新天阳松林荣泽睿"
FEMALE_CHARS = "芳娜敏静丽艳娟霞燕玲婷雪慧秀英华梅琳颖欣怡佳雨萱晶倩莉兰凤月美琴蓉洁璐诗涵思"

SHOP_WORDS = "鑫盛 华丰 永兴 宏达 恒远 金源 聚福 德润 嘉禾 兴隆 瑞祥 万家 荔香 木兰 福鑫 顺发 佳美 新华 天和 百惠".split()
SHOP_KINDS = ("贸易有限公司", "鞋业有限公司", "工艺品有限公司", "超市", "便利店", "大药房", "服装店",
              "电子科技有限公司", "餐饮店", "建材商行", "五金店", "加油站", "水果店", "母婴店")
OUTSIDE_MERCHANTS = ("黄金珠宝有限公司", "数码科技有限公司", "网络科技有限公司", "电子商务有限公司", "游戏充值服务部")
OUTSIDE_CITIES = ("深圳市", "广州市", "东莞市", "南宁市", "昆明市", "长沙市", "杭州市", "义乌市")


def person_names(rng: np.random.Generator, male: np.ndarray, surnames: dict[str, float] = LOCAL_SURNAMES) -> pl.Series:
    """Surname + one or two given-name characters, chosen by gender."""
    n = len(male)
    table = pl.Series(list(surnames))
    weights = np.array(list(surnames.values()), dtype=float)
    surname = table.gather(rng.choice(len(table), n, p=weights / weights.sum()))
    males, females = pl.Series(list(MALE_CHARS)), pl.Series(list(FEMALE_CHARS))
    first = pl.select(pl.when(pl.Series(male)).then(males.gather(rng.integers(0, len(males), n)))
                      .otherwise(females.gather(rng.integers(0, len(females), n)))).to_series()
    second = pl.select(pl.when(pl.Series(rng.random(n) < 0.25)).then(pl.lit(""))
                       .when(pl.Series(male)).then(males.gather(rng.integers(0, len(males), n)))
                       .otherwise(females.gather(rng.integers(0, len(females), n)))).to_series()
    return pl.select(pl.concat_str([surname, first, second])).to_series().alias("name")


def shop_name(rng: np.random.Generator, place: str) -> str:
    return place + str(rng.choice(SHOP_WORDS)) + str(rng.choice(SHOP_KINDS))


def outside_merchant_name(rng: np.random.Generator) -> str:
    return str(rng.choice(OUTSIDE_CITIES)) + str(rng.choice(SHOP_WORDS)) + str(rng.choice(OUTSIDE_MERCHANTS))
