"""Traditional to simplified Chinese characters (繁体转简体), from a built-in table.

Fraud texts reach mainland phones in traditional characters too (Hong Kong, Taiwan and overseas
senders, or to slip past keyword filters). No conversion table can be downloaded in the center,
so this module carries its own: about 1,000 common traditional characters, chosen for everyday
text and for the words of fraud, money, the police and the banks. It converts character by
character; characters it does not know pass through unchanged. Characters that are also
ordinary simplified characters with another meaning (乾, 著, 覆, 藉, 瞭) are left out, so
simplified text is never changed.
"""
from __future__ import annotations

# Pairs "traditional simplified", grouped loosely by theme. Written out by hand for this project.
_PAIRS = """
們们 個个 這这 會会 來来 時时 為为 爲为 與与 對对 說说 説说 從从 過过 還还 裡里 裏里 後后 麼么 麽么 嗎吗
當当 沒没 讓让 給给 見见 應应 該该 將将 點点 樣样 種种 開开 關关 發发 現现 實实 間间 問问 題题 無无 萬万
億亿 兩两 幾几 歲岁 號号 碼码 電电 話话 請请 謝谢 聽听 讀读 寫写 學学 習习 書书 門门 東东 車车 馬马 魚鱼
鳥鸟 長长 頭头 臉脸 體体 親亲 愛爱 媽妈 爺爷 兒儿 孫孙 師师 員员 夥伙 總总 經经 業业 務务 單单 據据 帳账
賬账 戶户 錢钱 銀银 轉转 匯汇 彙汇 額额 餘余 費费 貸贷 債债 償偿 資资 財财 貨货 幣币 價价 買买 賣卖 購购
質质 賠赔 損损 獎奖 勵励 補补 貼贴 領领 導导 課课 認认 證证 識识 記记 錄录 憑凭 詢询 調调 檢检 稅税 審审
計计 議议 論论 訊讯 詐诈 騙骗 誘诱 謊谎 虛虚 偽伪 違违 規规 範范 罰罚 處处 嚴严 凍冻 結结 綁绑 鎖锁 驗验
線线 綫线 網网 絡络 頁页 載载 軟软 鍵键 機机 構构 專专 屬属 辦办 廳厅 營营 續续 約约 紀纪 級级 團团 隊队
組组 織织 標标 準准 層层 區区 縣县 鄉乡 鎮镇 園园 場场 廣广 圖图 畫画 戲戏 遊游 裝装 備备 齊齐 豐丰 運运
輸输 贏赢 勝胜 敗败 戰战 鬥斗 權权 獲获 穫获 滿满 潤润 歸归 劃划 漲涨 盤盘 選选 擇择 隨随 數数 筆笔 參参
歡欢 際际 陽阳 陰阴 龍龙 鳳凤 飛飞 傳传 氣气 歷历 曆历 願愿 飯饭 館馆 樓楼 鐘钟 鍾钟 錶表 鬧闹 蘋苹 條条
稱称 緊紧 掃扫 維维 儲储 郵邮 遞递 託托 盜盗 竊窃 鄰邻 陣阵 勞劳 動动 態态 療疗 醫医 藥药 險险 護护 衛卫
報报 紙纸 廠厂 產产 術术 農农 礦矿 鋼钢 鐵铁 銅铜 錯错 鏈链 擊击 壓压 擴扩 換换 擁拥 揮挥 撥拨 擔担 搶抢
掛挂 捲卷 揀拣 攜携 擋挡 擬拟 擾扰 攤摊 撲扑 撿捡 國国 華华 灣湾 聯联 繫系 係系 鄭郑 陳陈 張张 劉刘 趙赵
黃黄 吳吴 楊杨 週周 葉叶 許许 鄧邓 馮冯 蕭萧 蘇苏 盧卢 蔣蒋 韓韩 譚谭 賴赖 龔龚 湯汤 顧顾 雲云 麗丽 興兴
榮荣 偉伟 強强 軍军 紅红 傑杰 靜静 鵬鹏 寶宝 貝贝 婦妇 嬰婴 戀恋 誠诚 懇恳 惡恶 憂忧 鬱郁 慮虑 驚惊 嚇吓
憐怜 悅悦 惱恼 懷怀 節节 慶庆 禮礼 達达 遠远 遲迟 邊边 進进 連连 適适 遺遗 謹谨 註注 冊册 銷销 啟启 設设
誤误 講讲 語语 詳详 細细 談谈 諮咨 訂订 閱阅 覽览 聞闻 顯显 頻频 視视 覺觉 觀观 類类 項项 預预 順顺 須须
頓顿 顏颜 風风 颱台 臺台 檯台 島岛 嶺岭 傭佣 職职 讚赞 贊赞 墊垫 帶带 穩稳 賺赚 虧亏 徵征 丟丢 闆板 膚肤
洩泄 訴诉 幫帮 趕赶 盡尽 儘尽 則则 負负 責责 積积 極极 優优 廢废 麵面 髮发 鬆松 隻只 雙双 僅仅 儀仪
傷伤 倉仓 傘伞 偵侦 側侧 倆俩 兇凶 兌兑 內内 凱凯 劍剑 劑剂 勁劲 勢势 協协 卻却 厲厉 叢丛 喚唤 喪丧 囉啰
圍围 圓圆 執执 堅坚 塊块 塗涂 墳坟 壞坏 壇坛 壯壮 壽寿 夠够 夢梦 夾夹 奪夺 奮奋 妝妆 寧宁 寬宽 尋寻 屆届
幹干 庫库 廁厕 廚厨 廟庙 彈弹 徑径 復复 複复 徹彻 恆恒 悶闷 慣惯 慘惨 憲宪 懸悬 懶懒 拋抛 挾挟 捨舍 掙挣
揚扬 搖摇 撐撑 擠挤 擺摆 攝摄 敵敌 斂敛 斃毙 斷断 於于 晝昼 晉晋 暈晕 暫暂 曉晓 曬晒 槍枪 樂乐 樞枢 橋桥
橫横 檔档 櫃柜 歐欧 殘残 殺杀 殼壳 毀毁 決决 況况 減减 測测 湧涌 溝沟 滅灭 滬沪 滯滞 漢汉 漁渔 漿浆 潔洁
澀涩 濃浓 濕湿 濟济 濤涛 濫滥 瀏浏 灑洒 灘滩 災灾 烏乌 煉炼 煙烟 熱热 燈灯 爐炉 爭争 牆墙 狀状 猶犹 獨独
獵猎 獸兽 瑣琐 環环 畢毕 異异 癢痒 皺皱 監监 眾众 衆众 睏困 矯矫 礎础 確确 禍祸 禪禅 離离 窮穷 競竞 築筑
簡简 簽签 籃篮 糧粮 糾纠 紋纹 納纳 紐纽 純纯 紛纷 紹绍 終终 絕绝 統统 絲丝 綠绿 綜综 締缔 編编 緣缘 縮缩
績绩 繳缴 繼继 罷罢 羅罗 義义 聖圣 聲声 聰聪 肅肃 脅胁 脫脱 腦脑 腳脚 臨临 舉举 舊旧 艙舱 艦舰 莊庄 蓋盖
蔥葱 蘭兰 號号 蟲虫 蠻蛮 製制 襪袜 觸触 討讨 訓训 訪访 診诊 評评 詞词 試试 詩诗 誇夸 誌志 誰谁 諒谅 諸诸
謀谋 謂谓 譜谱 譯译 變变 豈岂 豎竖 貓猫 貢贡 貧贫 販贩 貪贪 貴贵 貿贸 賊贼 賓宾 賞赏 賢贤 賤贱 賭赌 賽赛
贈赠 跡迹 踐践 蹤踪 躍跃 軌轨 較较 輔辅 輕轻 輛辆 輩辈 輪轮 辭辞 遙遥 遷迁 醜丑 釋释 針针 釣钓 鈔钞 鈕钮
鋒锋 鋪铺 錦锦 鍋锅 鍛锻 鏡镜 鑑鉴 鑒鉴 閃闪 閉闭 閒闲 闊阔 陸陆 隱隐 雖虽 雜杂 雞鸡 難难 霧雾 靈灵 響响
頂顶 頑顽 頒颁 顧顾 飄飘 飲饮 飽饱 餅饼 養养 饑饥 駕驾 駐驻 騎骑 鮮鲜 鴨鸭 鹽盐 麥麦 黨党 齒齿 龜龟 蘆芦
綱纲 網网 緩缓 練练 縱纵 繩绳 紮扎 級级 納纳 綿绵 絹绢 絞绞 繪绘 繡绣 纖纤 纜缆 羨羡 聳耸 膽胆 膠胶 膩腻
艱艰 藝艺 藍蓝 蘊蕴 號号 虜虏 衝冲 補补 裊袅 褲裤 襯衬 覓觅 訝讶 詭诡 誕诞 諜谍 謠谣 譽誉 讒谗 讚赞 豬猪
貫贯 貶贬 賀贺 賦赋 賬账 贖赎 贓赃 趨趋 軀躯 輯辑 轄辖 轎轿 辯辩 辮辫 郵邮 鄭郑 醞酝 釀酿 鈴铃 鉛铅 銘铭
銳锐 銜衔 鋁铝 錫锡 鍍镀 鎊镑 鏟铲 鑰钥 鑽钻 閘闸 閣阁 閩闽 闖闯 闡阐 陝陕 隸隶 雛雏 靂雳 鞏巩 韋韦 韻韵
頸颈 頰颊 顆颗 顛颠 颳刮 飼饲 餓饿 餘余 饒饶 駁驳 駛驶 騰腾 驅驱 驟骤 骯肮 髒脏 鬍胡 魯鲁 鯨鲸 鴻鸿 鵝鹅
鶴鹤 鷹鹰 麼么 黴霉 鼴鼹 齡龄 龐庞 佈布 併并 倖幸 偽伪 傢家 僑侨 價价 儉俭 兒儿 剛刚 創创 劇剧 勸劝 匯汇
厭厌 參参 吶呐 員员 問问 啞哑 嘆叹 嘗尝 嘩哗 噴喷 嚨咙 囑嘱 塵尘 墜坠 奧奥 嬌娇 學学 寢寝 實实 寵宠 將将
尷尴 屍尸 岡冈 峽峡 崗岗 巔巅 幟帜 廈厦 廢废 弒弑 彎弯 徬彷 憤愤 懲惩 戇戆 擱搁 攔拦 攬揽 敘叙 斬斩
曠旷 朧胧 棄弃 棟栋 棧栈 椏桠 楓枫 榮荣 槳桨 樁桩 樹树 橢椭 檯台 櫻樱 欄栏 歎叹 氈毡 氫氢 氬氩 汙污 沖冲
淚泪 淪沦 淵渊 渦涡 溫温 滄沧 滲渗 滷卤 漬渍 潑泼 澤泽 濁浊 濱滨 瀉泻 瀕濒 瀟潇 灕漓 燒烧 燙烫 燦灿
燭烛 爛烂 犧牺 獄狱 獻献 瑪玛 璽玺 甕瓮 畝亩 痺痹 瘋疯 瘡疮 癡痴 癮瘾 盃杯 盞盏 矓眬 礙碍 祿禄 禱祷
稅税 稈秆 穀谷 窩窝 窪洼 竄窜 竅窍 筍笋 箏筝 簍篓 簾帘 籌筹 籠笼 粵粤 糞粪 緝缉 緯纬 縣县 縫缝 縷缕 繞绕
繭茧 續续 罈坛 罵骂 翹翘 聶聂 脹胀 膚肤 臟脏 臺台 艷艳 芻刍 莖茎 莢荚 萊莱 蒼苍 蔭荫 蕩荡 薑姜 薦荐 薩萨
蘚藓 蘿萝 螢萤 蠟蜡 蠶蚕 衊蔑 裡里 訛讹 詛诅 詠咏 諧谐 謎谜 謙谦 謬谬 譏讥 譴谴 讖谶 貞贞 賂赂
賄贿 賑赈 賜赐 賦赋 贅赘 贍赡 趲趱 蹌跄 蹺跷 躊踌 躋跻 軟软 輓挽 轟轰 遞递 邁迈 邏逻 醬酱 釁衅 鈍钝 鈣钙
鋤锄 錘锤 錨锚 鍊炼 鎂镁 鏽锈 鐲镯 鑄铸 鑼锣 閥阀 閨闺 闈闱 陘陉 隕陨 雋隽 霽霁 靦腼 鞦秋 韌韧 頗颇
頹颓 顫颤 颯飒 飆飙 餃饺 餵喂 饅馒 駝驼 騷骚 驢驴 驕骄 髏髅 鬢鬓 鬱郁 鯉鲤 鰻鳗 鳴鸣 鴿鸽 鵲鹊 鶯莺
鷗鸥 鸚鹦 麗丽 黷黩 鼕冬 齋斋 龕龛
"""


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for pair in _PAIRS.split():
        if len(pair) != 2:
            raise ValueError(f"bad pair {pair!r} in the traditional-to-simplified table")
        traditional, simplified = pair
        if traditional == simplified or table.get(ord(traditional), simplified) != simplified:
            raise ValueError(f"pair {pair!r} maps a character to itself or contradicts another pair")
        table[ord(traditional)] = simplified
    return table


TRADITIONAL_TO_SIMPLIFIED: dict[int, str] = _table()  # for str.translate
SIMPLIFIED_TO_TRADITIONAL: dict[str, str] = {}  # one traditional form per simplified character
for _code, _simplified in TRADITIONAL_TO_SIMPLIFIED.items():
    SIMPLIFIED_TO_TRADITIONAL.setdefault(_simplified, chr(_code))


def to_simplified(text: str) -> str:
    """Replace the traditional characters the table knows by their simplified forms."""
    return text.translate(TRADITIONAL_TO_SIMPLIFIED)
