"""The UI's words in Chinese (the default) and English, one entry per key.

Templates call ``t('key')``; enum labels come from the enums' own label_zh / label_en. A key
missing from the catalog fails loudly, so a forgotten string shows up in the page tests.
"""
from __future__ import annotations

from starlette.requests import Request

LANGS = ("zh", "en")
LANG_COOKIE = "lang"


def request_lang(request: Request) -> str:
    """``?lang=`` first (the switch), then the cookie it set, then Chinese."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGS:
            return candidate
    return LANGS[0]


def translate(key: str, lang: str, **params: object) -> str:
    zh, en = CATALOG[key]
    text = en if lang == "en" else zh
    return text.format(**params) if params else text


_DESKS = {
    # code: (name zh, name en, who zh, who en, what zh, what en, [(plan zh, plan en), ...])
    "funds": ("止付冻结", "Funds", "止付冻结民警、各银行驻场人员",
              "The police funds desk and each bank's liaison",
              "紧急止付与冻结、银行反馈、逐级资金查控、返还被骗资金",
              "Stop-payment and freeze orders, bank feedback, tracing money level by level, returning money", [
                  ("按户名、账号、金额、转账时间四要素发起紧急止付，银行止付 48 小时，同一账户最多止付两次",
                   "Stop-payment orders on the four fields banks check (name, account, amount, time): 48 hours, at most twice per account"),
                  ("依据银行流水逐级追踪资金去向（一级卡、二级卡……），支持按比例与先进先出两种归属规则",
                   "Following the money level by level from bank statements, with proportional and FIFO attribution shown in the result"),
                  ("冻结 6 个月并可续冻，登记法律文书编号",
                   "Freezes for 6 months, renewable, with the legal document number"),
                  ("被骗资金返还：能对应到人的直接返还，否则公告 30 日后按损失比例返还",
                   "Returning money: directly where it matches one victim, otherwise pro rata after a 30-day notice")]),
    "telecom": ("通信", "Telecom", "通信民警、各运营商驻场人员", "Police and each operator's liaison",
                "涉诈号码发现、拦截与关停、申诉处理、正在通话的预警",
                "Fraud-number detection, interception and shutdown orders, appeals, calls in progress", [
                    ("被举报号码 1 小时内、关联号码 24 小时内复核、限制或关停",
                     "Re-verify, limit or shut down reported numbers within 1 hour, associated numbers within 24 hours"),
                    ("每项限制写明理由与申诉渠道，申诉成功即解除",
                     "Every restriction states its reason and an appeal channel; a successful appeal lifts it"),
                    ("拦截名单有来源、有期限", "Blocking lists with provenance and expiry"),
                    ("涉诈号码正在与居民通话时，立即生成最高优先级预警",
                     "A resident on the phone with a fraud number right now becomes a top-priority warning lead")]),
    "warning": ("预警劝阻", "Warning", "预警劝阻民警、派出所民警", "The warning desk and police stations",
                "预警线索分级、下发、签收，找人、劝阻、止付、教育，回访",
                "Leads, grading, dispatch, find / dissuade / stop-payment / educate, callbacks", [
                    ("线索来源：与涉诈号码通联、向风险账户转账、访问涉诈网址或 App、群众举报、上级下发",
                     "Leads from contact with fraud numbers, transfers to risky accounts, fraud URLs or apps, citizen reports, higher levels"),
                    ("高、中、低分级，按人员所在地经市、县下发到派出所并签收",
                     "Graded high / medium / low, dispatched city → county → station by location, and signed for"),
                    ("按时限完成快速找人、全力劝阻、及时止付、深入教育，记录结果与避免损失",
                     "Find, dissuade, stop payment, educate within each grade's time limit; record the outcome and loss avoided"),
                    ("事后回访核实", "Callbacks check later")]),
    "analysis": ("研判", "Analysis", "研判分析员、侦查员", "Analysts and investigators",
                 "串并案、团伙、两卡、帮信人员、关系图、时间线",
                 "Linking cases into series and gangs, mule cards, 帮信 suspects, link charts, timelines", [
                     ("共用电话、账户、设备、网址、App 或社交账号的案件自动串并，连通分量即候选团伙",
                      "Cases sharing a phone, account, device, URL, app or social account are linked; components are candidate gangs"),
                     ("识别两卡：多进多出、快进快出、多名受害人、夜间交易、新开户",
                      "Mule cards: fan-in / fan-out, quick pass-through, many victims, night activity, new accounts"),
                     ("帮信情节严重提示：为 3 个以上对象提供帮助、结算 20 万元以上或获利 1 万元以上",
                      "Serious 帮信 flags: served 3+ parties, settled 200,000+ yuan or earned 10,000+ yuan"),
                     ("案件关系图与时间线，记录嫌疑人、抓获、缴获的卡与工具",
                      "Link charts and timelines; suspects, arrests, seized cards and tools per case")]),
    "command": ("指挥", "Command", "中心领导", "Leadership",
                "全局态势、同比统计、导出、宣传记录",
                "The overall picture, year-over-year statistics, exports, publicity records", [
                    ("发案数、损失、破案、打处人数、追赃与冻结、劝阻与避免损失的同比（两降两升）",
                     "Cases, losses, solved cases, people dealt with, money recovered and frozen, dissuasions — year over year"),
                    ("按区域、诈骗类型、时段统计并导出", "By region, fraud type and period, with exports"),
                    ("宣传活动记录", "Publicity (宣传) records")]),
    "public": ("公众", "Public", "市民", "Citizens",
               "电话、账户、网址风险查询，在线举报",
               "Risk look-up of a phone, account or URL; reporting a fraud (举报)", [
                   ("查询一个电话号码、银行账户或网址是否涉诈", "Look up whether a phone number, account or URL is linked to fraud"),
                   ("在线举报诈骗线索，进入预警劝阻流程", "Report a fraud; the report becomes a warning lead")]),
}

CATALOG: dict[str, tuple[str, str]] = {
    # layout
    "app.name": ("反诈平台", "Fanzha"),
    "app.center": ("反诈中心", "Anti-Fraud Center"),
    "app.tagline": ("反电信网络诈骗中心平台", "Anti-telecom-network-fraud center"),
    "app.footer": ("Fanzha 反诈 · 开源反电信网络诈骗中心平台", "Fanzha · open-source platform for anti-fraud centers"),
    "app.api_docs": ("API 文档", "API docs"),
    "lang.zh": ("中文", "中文"),
    "lang.en": ("English", "English"),
    "nav.menu": ("菜单", "Menu"),
    "nav.desks": ("工作台", "Desks"),
    "nav.home": ("首页", "Home"),
    "nav.intake": ("接警", "Intake"),
    # sign-in
    "auth.title": ("登录", "Sign in"),
    "auth.intro": ("请使用本中心分配的账号登录。", "Sign in with the account your center gave you."),
    "auth.username": ("用户名", "Username"),
    "auth.password": ("密码", "Password"),
    "auth.sign_in": ("登录", "Sign in"),
    "auth.sign_out": ("退出", "Sign out"),
    "auth.failed": ("用户名或密码不正确，请重新输入。", "The username or password is wrong; try again."),
    "auth.demo_hint": ("演示环境：运行 fanzha demo 时会列出各角色的演示账号和密码。",
                       "Demo: `fanzha demo` prints a login and password for every role."),
    "auth.welcome": ("欢迎，{name}", "Welcome, {name}"),
    # errors
    "error.404.title": ("页面不存在", "Page not found"),
    "error.404.body": ("找不到这个页面或这条记录，请检查地址或编号。", "There is no such page or record; check the address or the id."),
    "error.403.title": ("无权访问", "Not allowed"),
    "error.403.body": ("您的角色不能查看此页面。", "Your role cannot see this page."),
    "error.405.title": ("不支持的操作", "Not supported"),
    "error.405.body": ("此地址不支持这种请求。", "This address does not accept that request."),
    "error.other.title": ("出错了", "Something went wrong"),
    "error.other.body": ("请求未能完成，请稍后重试；如仍失败请联系系统管理员。", "The request could not be completed; try again, or tell the administrator."),
    "error.home": ("返回首页", "Back to the home page"),
    # forms
    "form.all": ("全部", "All"),
    "form.choose": ("请选择", "Choose"),
    "form.cancel": ("取消", "Cancel"),
    "form.has_errors": ("有几处需要修改。", "Some fields need fixing."),
    "form.fix_marked": ("请按标红处的提示修改后再提交；已填写的内容都保留着。", "Fix the fields marked in red and submit again; everything you typed is kept."),
    # intake
    "intake.tab.cases": ("警情查询", "Cases"),
    "intake.tab.new": ("接警登记", "New report"),
    "intake.tab.imports": ("批量导入", "Import"),
    "intake.new.title": ("接警登记", "Take a report"),
    "intake.new.intro": ("登记受害人报警。先填转账——它们决定紧急止付；诈骗类型可以稍后再定。",
                         "Record a victim's report. Fill in the transfers first — they drive the stop-payment; the fraud type can wait."),
    "intake.cases.title": ("警情查询", "Cases"),
    "report.section.report": ("警情", "Report"),
    "report.section.victim": ("受害人", "Victim"),
    "report.section.narrative": ("简要案情", "What happened"),
    "report.section.transfers": ("被骗转账", "Transfers to the fraudsters"),
    "report.section.contacts": ("涉案联系方式", "How the fraudster made contact"),
    "report.report_id": ("警情编号", "Report id"),
    "report.report_id.auto": ("留空自动生成", "generated if empty"),
    "report.report_id.hint": ("留空时生成 JQ-年月日-序号。", "Left empty, Fanzha gives JQ-YYYYMMDD-NNNNNN."),
    "report.reported_at": ("报警时间", "Reported at"),
    "report.region": ("区县", "Region"),
    "report.fraud_type": ("诈骗类型", "Fraud type"),
    "report.fraud_type.later": ("暂不确定（稍后定性）", "Not yet known (classify later)"),
    "report.victim.name": ("姓名", "Name"),
    "report.victim.id_number": ("身份证号", "Identity number"),
    "report.victim.phone": ("联系电话", "Phone"),
    "report.victim.age": ("年龄", "Age"),
    "report.narrative": ("案情经过", "Narrative"),
    "report.narrative.placeholder": ("对方如何联系、自称什么身份、诱导做了什么……", "How they made contact, who they claimed to be, what they asked for…"),
    "report.transfer": ("转账", "Transfer"),
    "report.transfer.time": ("转账时间", "Time"),
    "report.transfer.amount": ("金额（元）", "Amount (yuan)"),
    "report.transfer.from_account": ("转出账号", "From account"),
    "report.transfer.from_bank": ("转出银行", "From bank"),
    "report.transfer.to_account": ("收款账号", "To account"),
    "report.transfer.to_name": ("收款户名", "To name"),
    "report.transfer.to_bank": ("收款银行", "To bank"),
    "report.transfer.channel": ("转账渠道", "Channel"),
    "report.transfers.hint": ("每笔转账一行：时间、金额和收款账号必填。", "One row per payment: time, amount and the receiving account are required."),
    "report.add_transfer": ("添加转账", "Add transfer"),
    "report.contact": ("联系方式", "Contact"),
    "report.contact.kind": ("类型", "Kind"),
    "report.contact.value": ("号码 / 地址", "Number / address"),
    "report.contacts.hint": ("诈骗分子使用的电话、账号、网址、App、微信、QQ 等。", "Phones, accounts, URLs, apps, WeChat or QQ the fraudster used."),
    "report.add_contact": ("添加联系方式", "Add contact"),
    "report.remove": ("删除", "Remove"),
    "report.submit": ("保存警情", "Save the report"),
    "contact.phone": ("电话", "Phone"),
    "contact.account": ("银行账号", "Bank account"),
    "contact.url": ("网址", "URL"),
    "contact.app": ("App", "App"),
    "contact.wechat": ("微信", "WeChat"),
    "contact.qq": ("QQ", "QQ"),
    "contact.ip": ("IP 地址", "IP address"),
    "contact.device": ("设备", "Device"),
    "fraud.unset": ("未分类", "Unclassified"),
    # case list
    "cases.search": ("搜索", "Search"),
    "cases.search.placeholder": ("受害人、电话、账号、警情编号或案情关键词", "Victim, phone, account, report id or words"),
    "cases.search.button": ("查询", "Search"),
    "cases.reset": ("清空", "Clear"),
    "cases.from": ("报警日期自", "Reported from"),
    "cases.to": ("至", "to"),
    "cases.total": ("共 {total} 起", "{total} cases"),
    "cases.none": ("没有符合条件的警情，请放宽条件再查。", "No case matches; widen the search."),
    "cases.took": ("用时 {ms} 毫秒", "{ms} ms"),
    "cases.refused": ("查询条件有误：", "The search was refused:"),
    "cases.window": ("关键词只在按当前排序的前 {n} 起中查找，请加上日期或区县缩小范围",
                     "the words were looked for in the first {n} cases of this order; narrow it with dates or a region"),
    "cases.pages": ("翻页", "Pages"),
    "cases.prev": ("上一页", "Previous"),
    "cases.next": ("下一页", "Next"),
    # case page
    "case.title": ("警情", "Case"),
    "case.status": ("状态", "Status"),
    "case.loss_yuan": ("损失（元）", "Loss (yuan)"),
    "case.transfers": ("转账笔数", "Transfers"),
    "case.total": ("合计", "Total"),
    "case.no_transfers": ("未登记转账。", "No transfers recorded."),
    "case.no_contacts": ("未登记联系方式。", "No contacts recorded."),
    "case.no_narrative": ("未填写案情。", "No narrative."),
    "case.actions": ("办理", "Actions"),
    "case.move_hint": ("案件按 接警 → 立案 → 侦查 → 破案 → 结案 推进。", "A case moves reported → filed → investigating → solved → closed."),
    "case.move_to": ("转为「{status}」", "Move to {status}"),
    "case.closed_hint": ("案件已结案，状态不能再变更。", "The case is closed; its status cannot change."),
    "case.classify": ("诈骗类型定性", "Fraud type"),
    "case.classify.save": ("保存定性", "Save the fraud type"),
    "case.timeline": ("办理记录", "Timeline"),
    "event.reported": ("接警登记：{transfers} 笔转账，损失 ¥{loss}", "Report taken: {transfers} transfers, loss ¥{loss}"),
    "event.status_changed": ("状态：{before} → {after}", "Status: {before} → {after}"),
    "event.fraud_type_set": ("定性：{before} → {after}", "Fraud type: {before} → {after}"),
    "warning.id_number_check_digit": ("身份证号校验位不符，请向受害人核对。", "The identity number's check digit is wrong; confirm it with the victim."),
    "flash.case_filed": ("警情 {report_id} 已登记。", "Report {report_id} is filed."),
    "flash.case_existed": ("警情 {report_id} 此前已登记，内容相同，未重复保存。", "Report {report_id} was filed before with the same content; nothing new was saved."),
    "flash.status_changed": ("状态已更新。", "Status changed."),
    "flash.status_refused": ("状态未变更：不能从当前状态直接转到该状态，请按页面上的按钮推进。", "Status not changed: that move is not allowed from the current status; use the buttons shown."),
    "flash.classified": ("诈骗类型已保存。", "Fraud type saved."),
    "flash.classified_same": ("诈骗类型未变。", "The fraud type was already that."),
    "flash.classify_refused": ("请从列表中选择一个诈骗类型。", "Choose a fraud type from the list."),
    # dashboard
    "dash.title": ("接警态势", "Intake at a glance"),
    "dash.period": ("统计区间", "Period"),
    "dash.bad_period": ("统计区间的开始日期晚于结束日期，已改为显示默认区间。", "The period started after it ended; showing the default period instead."),
    "dash.apply": ("查看", "Show"),
    "dash.cases": ("发案数", "Cases"),
    "dash.loss": ("损失金额（元）", "Losses (yuan)"),
    "dash.loss_note": ("受害人报案登记的转账合计", "Sum of the transfers victims reported"),
    "dash.unclassified": ("未定性", "Unclassified"),
    "dash.unclassified_note": ("点此逐一定性", "Click to classify them"),
    "dash.by_status": ("办理状态", "By status"),
    "dash.by_day": ("每日发案数与损失", "Cases and losses by day"),
    "dash.by_type": ("按诈骗类型", "By fraud type"),
    "dash.by_region": ("按区县", "By region"),
    "dash.empty": ("本区间没有警情。可在“接警登记”录入，或在“批量导入”导入警情文件。", "No cases in this period. Take a report, or import a reports file."),
    "dash.chart.cases": ("发案数", "Cases"),
    "dash.chart.loss": ("损失（万元）", "Losses (10k yuan)"),
    "dash.chart.yuan": ("元", "yuan"),
    # imports
    "imports.title": ("批量导入", "Import files"),
    "imports.intro": ("导入银行流水、警情、话单或短信记录（CSV、Excel 或 JSON，UTF-8 或 GB18030）。表头可用中文名或英文别名，格式见 FORMATS.md。",
                      "Import bank statements, victim reports, call or SMS records (CSV, Excel or JSON; UTF-8 or GB18030). Headers may be the Chinese names or the English aliases in FORMATS.md."),
    "imports.kind": ("文件类型", "What the file holds"),
    "imports.kind.reports": ("警情", "Victim reports"),
    "imports.kind.reports.hint": ("JSON（一份或一组），或每笔转账一行的 CSV", "JSON (one or a list), or CSV with one row per transfer"),
    "imports.kind.statements": ("银行流水", "Bank statements"),
    "imports.kind.statements.hint": ("调证返回的交易流水，两边流水中的同一笔转账只计一次", "Statements returned by banks; a transfer seen from both sides counts once"),
    "imports.kind.calls": ("话单", "Call records"),
    "imports.kind.calls.hint": ("运营商返回的通话记录", "Call records from an operator"),
    "imports.kind.sms": ("短信记录", "SMS records"),
    "imports.kind.sms.hint": ("运营商返回的短信记录", "SMS records from an operator"),
    "imports.file": ("文件", "File"),
    "imports.file.hint": (".csv、.xlsx 或 .json", ".csv, .xlsx or .json"),
    "imports.skip_bad": ("跳过错误行，导入其余各行", "Skip bad rows and import the rest"),
    "imports.skip_bad.hint": ("不勾选时，只要有一行有错就整个文件都不导入，便于改好后重新导入。", "Unticked, one bad row refuses the whole file, so it can be fixed and imported again."),
    "imports.submit": ("上传并导入", "Upload and import"),
    "imports.result": ("导入结果", "Result"),
    "imports.ok": ("导入完成。", "Imported."),
    "imports.rejected_next": ("文件未导入，数据库没有任何改动。请按下表逐行改正后重新上传；或勾选“跳过错误行”先导入正确的行。",
                              "Nothing was imported. Fix each row listed below and upload the file again, or tick “skip bad rows” to import the good rows now."),
    "imports.unreadable_next": ("文件未导入：没有读出任何数据行。请确认选择的文件类型正确，并按下列问题检查文件（表头、编码、格式见 FORMATS.md）。",
                                "Nothing was imported: no rows could be read. Check that the right kind is chosen and fix the file as described below (headers, encoding and format: FORMATS.md)."),
    "imports.skipped_next": ("已导入正确的行，跳过了 {n} 行错误数据。请按下表改正这些行，单独整理成文件后再导入。",
                             "The good rows are imported; {n} bad rows were skipped. Fix them as listed below and import them as a file of their own."),
    "imports.failed": ("无法读取该文件。请确认文件类型选择正确，且文件是 CSV、Excel 或 JSON 格式。",
                       "The file could not be read. Check that the right kind is chosen and that the file is CSV, Excel or JSON."),
    "imports.no_file": ("没有收到文件，请选择一个文件再上传。", "No file arrived; choose a file and upload again."),
    "imports.rows_read": ("读取", "Read"),
    "imports.rows_imported": ("导入", "Imported"),
    "imports.rows_duplicate": ("已存在", "Already present"),
    "imports.rows_bad": ("错误", "Bad"),
    "imports.extra_columns": ("以下列未被识别，已忽略（如含有需要的数据，请按 FORMATS.md 改列名）：",
                              "These columns were not recognised and were ignored (rename them after FORMATS.md if they hold data Fanzha should read):"),
    "imports.problems": ("问题（{n} 处）", "Problems ({n})"),
    "imports.place": ("位置", "Place"),
    "imports.reason": ("原因", "Reason"),
    "imports.more_problems": ("另有 {n} 处未列出。", "{n} more not shown."),
    # desks still to come
    "desk.coming": ("将在后续版本提供", "Coming in a later release"),
    "desk.who": ("使用者", "Who works here"),
    "desk.what": ("职能", "What they do"),
    "desk.will_hold": ("本工作台将提供", "This desk will hold"),
    "desk.meanwhile": ("目前已可使用：接警登记、警情查询、批量导入和首页态势。", "Available now: taking reports, the case list, imports and the home dashboard."),
}

# The desk pages' headings, where the navigation's short English name would say too little.
_TITLES_EN = {"funds": "Funds: stop-payment & freeze", "warning": "Warning & dissuasion"}

for _code, (_zh, _en, _who_zh, _who_en, _what_zh, _what_en, _plan) in _DESKS.items():
    CATALOG[f"desk.{_code}.name"] = (_zh, _en)
    CATALOG[f"desk.{_code}.title"] = (_zh, _TITLES_EN.get(_code, _en))
    CATALOG[f"desk.{_code}.who"] = (_who_zh, _who_en)
    CATALOG[f"desk.{_code}.what"] = (_what_zh, _what_en)
    for _n, _item in enumerate(_plan, start=1):
        CATALOG[f"desk.{_code}.plan.{_n}"] = _item
