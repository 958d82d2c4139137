"""UI words of the analysis desk's mule cards and helpers part (两卡与帮信)."""
from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "analysis.mules.title": ("两卡与帮信研判", "Mule cards and helpers"),
    "analysis.mules.intro": ("模型按快进快出、多对一/一对多、夜间交易、新开户、共用设备和资金链位置为银行卡打分；"
                             "持卡人按帮信罪情节严重标准（三个以上对象、结算二十万元以上、违法所得一万元以上）核对。",
                             "The model scores bank cards on pass-through, fan-in/fan-out, night activity, new "
                             "accounts, shared devices and place in traced chains; their holders are checked against "
                             "the 帮信 thresholds (3+ parties, 200,000+ yuan settled, 10,000+ yuan earned)."),
    "analysis.mules.none_yet": ("还没有评分结果。请在命令行运行 fanzha analyze mules（先导入银行流水），然后刷新本页。",
                                "No scores yet. Run `fanzha analyze mules` on the command line (after importing bank "
                                "statements), then reload this page."),
    "analysis.mules.scored_at": ("评分时间", "Scored at"),
    "analysis.mules.flagged": ("疑似涉诈银行卡", "Suspected mule accounts"),
    "analysis.mules.helpers_serious": ("达到帮信情节严重", "Helpers meeting the rule"),
    "analysis.mules.cards_flagged": ("疑似卡农电话卡", "Suspected rented phone cards"),
    "analysis.mules.chart": ("评分分布", "Score distribution"),
    "analysis.mules.chart.accounts": ("账户数", "Accounts"),
    "analysis.mules.accounts": ("涉诈银行卡", "Mule accounts"),
    "analysis.mules.account": ("账号", "Account"),
    "analysis.mules.bank": ("银行", "Bank"),
    "analysis.mules.holder": ("户名", "Holder"),
    "analysis.mules.score": ("评分", "Score"),
    "analysis.mules.typology": ("资金形态", "Typology"),
    "analysis.mules.reasons": ("主要依据", "Reasons"),
    "analysis.mules.chart_link": ("关系图", "Link chart"),
    "analysis.mules.all_typologies": ("全部形态", "All typologies"),
    "analysis.mules.filter": ("筛选", "Filter"),
    "analysis.mules.none": ("没有符合条件的账户。", "No accounts match."),
    "analysis.mules.typology.fan_in": ("多对一汇聚", "Fan-in"),
    "analysis.mules.typology.fan_out": ("一对多分散", "Fan-out"),
    "analysis.mules.typology.chain": ("链式转移", "Chain"),
    "analysis.mules.typology.cycle": ("资金回流", "Cycle"),
    "analysis.mules.typology.scatter_gather": ("分散再汇聚", "Scatter-gather"),
    "analysis.mules.cards": ("疑似卡农电话卡", "Phone cards sold or rented"),
    "analysis.mules.number": ("号码", "Number"),
    "analysis.mules.cards_none": ("没有评分的电话卡。", "No phone cards scored."),
    "analysis.mules.helpers": ("帮信人员", "Helpers (帮信)"),
    "analysis.mules.rule": ("标准：为{parties}个以上对象提供帮助，或支付结算{settled}元以上，或违法所得{earned}元以上，满足其一即为情节严重。",
                            "Rule: serious when the cards served {parties}+ parties, or settled {settled}+ yuan, or "
                            "earned {earned}+ yuan; any one suffices."),
    "analysis.mules.person": ("人员", "Person"),
    "analysis.mules.id_number": ("身份证号", "ID number"),
    "analysis.mules.criteria": ("满足标准", "Criteria met"),
    "analysis.mules.parties": ("服务对象数", "Parties"),
    "analysis.mules.settled": ("结算金额", "Settled"),
    "analysis.mules.earned": ("估计获利", "Earned (estimate)"),
    "analysis.mules.evidence": ("证据", "Evidence"),
    "analysis.mules.evidence.accounts": ("涉案卡", "Cards"),
    "analysis.mules.evidence.parties": ("主要资金来源", "Largest parties"),
    "analysis.mules.evidence.how": ("计算方法", "How the figures were reached"),
    "analysis.mules.how.parties": ("服务对象：向涉案卡转入资金的、非本人的不同账户数。",
                                   "Parties: distinct accounts, not the person's own, that paid into the flagged cards."),
    "analysis.mules.how.settled": ("结算金额：上述账户转入涉案卡的金额合计。",
                                   "Settled: what those accounts paid into the flagged cards."),
    "analysis.mules.how.earned": ("估计获利：每张涉案卡在窗口内转入减转出（不低于零）之和，即留在卡里的部分；"
                                  "尚未转走的资金也计入，可能偏高。",
                                  "Earned (estimate): per flagged card, money in minus money out over the window "
                                  "(never below zero), summed: what stayed in the cards; money not yet moved on "
                                  "counts too, so it can be high."),
    "analysis.mules.helpers_none": ("没有达到帮信标准的人员。", "No person meets the rule."),
    "analysis.mules.criterion.parties": ("三个以上对象", "3+ parties"),
    "analysis.mules.criterion.settled": ("结算二十万元以上", "settled 200,000+"),
    "analysis.mules.criterion.earned": ("获利一万元以上", "earned 10,000+"),
}
