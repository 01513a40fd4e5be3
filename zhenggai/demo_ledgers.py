"""The ledgers of the demo district: six inspections, each with its own problems.

Every unit, person, figure and sentence here is invented for this project. Dates are
days after the inspection's feedback (`due`) or before the day the demo is loaded
(`feedback`, order deadlines), so the demo always has something overdue, something
due soon, something done and something ongoing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# What happened to a measure by the day of loading.
PLANNED = "planned"  # nothing reported yet
PROGRESS = "progress"  # reported, still open
REQUESTED = "requested"  # completion requested, awaiting the unit's confirmation
RETURNED = "returned"  # completion requested and sent back with a reason
DONE = "done"  # completion requested and confirmed
STANDING = "standing"  # turned into a standing practice (status 长期坚持)


@dataclass(frozen=True)
class M:
    """A measure: its words, who answers for it, by when, and how far it got."""

    text: str
    owner: str
    department: str
    due: int | None = None
    state: str = PLANNED
    term: str = "deadline"
    leader: str = ""  # the problem's leader when empty
    report: str = ""  # the latest progress report
    earlier: str = ""  # an earlier report, when there were two
    figures: tuple[tuple[float, str, str], ...] = ()
    files: tuple[str, ...] = ()  # evidence written by demo_files: .pdf, .docx, .png
    reference: str = ""  # paper evidence: what and where
    note: str = ""  # the completion request's note
    reason: str = ""  # why the completion was returned


@dataclass(frozen=True)
class P:
    """A specific problem under a category, with the leader in charge of its measures."""

    title: str
    leader: str
    measures: tuple[M, ...]
    description: str = ""
    signoff: str = ""  # "", "applied", "approved" or "returned"
    signoff_note: str = ""
    signoff_reason: str = ""
    withhold: str = ""  # a Withholding value: left out of the public notice
    withhold_approver: str = ""


@dataclass(frozen=True)
class Ledger:
    """One inspection of one unit."""

    unit: str
    round: str
    group: str
    feedback: int  # days before loading
    categories: tuple[tuple[str, tuple[P, ...]], ...]
    mode: str = "regular"
    confirm_by: str = "editor"
    owners: dict[str, str] = field(default_factory=dict)  # owner name -> username
    settled: int = 0  # days after feedback when its story ended; 0: it goes on today


BUREAU = Ledger(
    unit="区文化和旅游局",
    round="一届区委第三轮巡察",
    group="区委第二巡察组",
    feedback=95,
    owners={"王立群": "wl_owner"},
    categories=(
        (
            "贯彻落实党的路线方针政策和区委决策部署有差距",
            (
                P(
                    "理论学习中心组学习与文旅业务结合不紧",
                    "陈立新",
                    (
                        M(
                            "修订《局党组理论学习中心组学习制度》，将文旅融合、文化遗产保护等"
                            "重点课题纳入年度学习计划，每季度至少安排1次专题研讨。",
                            "林晓燕",
                            "办公室",
                            due=45,
                            state=DONE,
                            report="已印发修订后的学习制度和年度学习计划，列入专题研讨课题6个；"
                            "反馈以来召开理论学习中心组学习会3次。",
                            figures=((3, "次", "理论学习中心组学习"),),
                            files=("理论学习中心组学习会议纪要.docx",),
                            note="学习制度已印发，专题研讨按计划开展。",
                        ),
                        M(
                            "班子成员结合分管领域每人牵头1个调研课题，形成调研报告并转化为"
                            "具体工作举措。",
                            "刘畅",
                            "机关党委",
                            due=120,
                            state=PROGRESS,
                            report="7名班子成员均已确定调研课题，实地走访景区、文化场馆23家，"
                            "形成调研报告初稿4篇。",
                        ),
                    ),
                    description="中心组学习多以传达文件为主，结合文旅融合发展开展研讨不多，"
                    "学习成果转化为工作举措不明显。",
                ),
                P(
                    "推动文旅产业高质量发展举措不够有力",
                    "何志远",
                    (
                        M(
                            "梳理全区文旅项目招引台账，对签约未落地项目逐一明确责任领导和推进节点。",
                            "王立群",
                            "产业发展科",
                            due=60,
                            state=PROGRESS,
                            earlier="已完成签约项目台账梳理，共17个项目，其中未落地项目5个。",
                            report="5个未落地项目已逐一明确推进节点，其中2个项目已办理开工手续，"
                            "其余3个正在协调用地指标。",
                        ),
                        M(
                            "对全区A级旅游景区开展安全生产和服务质量专项检查，形成问题清单并"
                            "督促整改到位。",
                            "王立群",
                            "产业发展科",
                            due=105,
                            state=REQUESTED,
                            report="已检查A级景区9家，发现问题38个，已整改35个，其余3个限期整改后"
                            "已复查合格。",
                            files=("景区安全检查现场照片.png",),
                            note="9家景区问题清单已全部复查销号。",
                        ),
                        M(
                            "制定乡村旅游精品线路提升方案，年内完成3条线路的标识导览和配套设施改造。",
                            "王立群",
                            "产业发展科",
                            due=100,
                            state=PROGRESS,
                            report="提升方案已经局党组会议审议通过，青禾溪谷线路标识导览改造已完工，"
                            "其余2条线路正在施工。",
                        ),
                        M(
                            "建立重点文旅企业联系服务制度，班子成员每季度走访联系企业不少于2次，"
                            "协调解决经营困难。",
                            "王立群",
                            "产业发展科",
                            term="ongoing",
                            state=PROGRESS,
                            report="已建立班子成员联系重点文旅企业名单，本季度走访企业14家次，"
                            "协调解决停车配套、消防验收等问题6个。",
                        ),
                    ),
                ),
            ),
        ),
        (
            "落实全面从严治党主体责任和监督责任不够到位",
            (
                P(
                    "主体责任传导存在层层递减",
                    "陈立新",
                    (
                        M(
                            "召开党组专题会议，逐条对照反馈意见查摆问题根源，制定班子成员"
                            "全面从严治党责任清单。",
                            "林晓燕",
                            "办公室",
                            term="immediate",
                            due=20,
                            state=DONE,
                            report="反馈后一周内召开党组专题会议，逐条研究反馈问题，印发班子成员"
                            "责任清单和整改任务分工方案。",
                            files=("党组整改专题会议纪要.pdf",),
                        ),
                        M(
                            "召开巡察整改专题民主生活会，班子成员逐一对照检查，开展批评和自我批评。",
                            "刘畅",
                            "机关党委",
                            due=55,
                            state=DONE,
                            report="已召开巡察整改专题民主生活会1次，班子成员相互提出批评意见31条，"
                            "形成个人整改措施42项。",
                            figures=((1, "次", "巡察整改专题民主生活会"),),
                            reference="民主生活会会议记录及班子成员对照检查材料，存机关党委",
                        ),
                    ),
                    signoff="returned",
                    signoff_note="两项措施均已完成，申请销号。",
                    signoff_reason="民主生活会只有文字说明，请补充会议记录扫描件和班子成员"
                    "对照检查材料后重新申请。",
                ),
                P(
                    "公务接待和公务用车管理不够规范",
                    "苏敏",
                    (
                        M(
                            "对近三年公务接待费用逐笔核查，对超标准、无公函接待的费用予以清退。",
                            "许杰",
                            "财务审计科",
                            due=45,
                            state=DONE,
                            report="已核查公务接待费用412笔，发现无公函接待17笔，清退违规资金"
                            "2.36万元。",
                            figures=((2.36, "万元", "清退违规资金"),),
                            files=("公务接待费用清退凭证.pdf",),
                        ),
                        M(
                            "修订《机关公务接待管理办法》和《公务用车使用管理规定》，公务用车"
                            "一律纳入区公车平台统一调度。",
                            "许杰",
                            "财务审计科",
                            due=75,
                            state=RETURNED,
                            report="两项制度修订稿已征求各科室意见，局机关公务用车已全部接入"
                            "区公车管理平台。",
                            reference="制度修订稿及征求意见汇总表，存财务审计科",
                            note="公车已全部接入平台，制度修订稿已完成。",
                            reason="《机关公务接待管理办法》尚未经党组会议审议印发，请印发后"
                            "附上文件再申请。",
                        ),
                        M(
                            "由机关纪委对办公室、财务审计科负责同志开展提醒谈话，在全局干部大会上"
                            "通报典型问题。",
                            "周晓",
                            "机关纪委",
                            due=40,
                            state=DONE,
                            report="已对负责同志开展提醒谈话3人次，在全局干部大会上通报典型问题2起。",
                            figures=((3, "人次", "提醒谈话"),),
                            reference="谈话记录3份，存机关纪委",
                        ),
                    ),
                ),
            ),
        ),
        (
            "领导班子和干部队伍建设存在短板",
            (
                P(
                    "干部选拔任用程序执行不够严格",
                    "陈立新",
                    (
                        M(
                            "对近三年干部选拔任用工作开展专项自查，逐人核对动议、民主推荐、考察、"
                            "讨论决定等环节的档案材料。",
                            "韩梅",
                            "人事科",
                            due=40,
                            state=DONE,
                            report="已完成14名干部选拔任用档案核查，补齐缺失材料9份，形成专项自查"
                            "报告报区委组织部。",
                            files=("干部选拔任用专项自查报告.pdf",),
                        ),
                        M(
                            "建立干部选拔任用纪实制度，全程记录酝酿、推荐、考察等关键环节。",
                            "韩梅",
                            "人事科",
                            due=90,
                            state=DONE,
                            report="新建《干部选拔任用工作纪实办法》1项，已经党组会议审议通过并印发执行。",
                            figures=((1, "项", "干部选拔任用纪实制度"),),
                            files=("《干部选拔任用工作纪实办法》.pdf",),
                        ),
                    ),
                    signoff="applied",
                    signoff_note="专项自查和纪实制度均已完成，自查报告已报区委组织部，申请销号。",
                ),
                P(
                    "基层党组织标准化建设不够扎实",
                    "陈立新",
                    (
                        M(
                            "对照党支部标准化规范化建设要求，对局属5个党支部逐一评估，建立问题"
                            "整改清单。",
                            "刘畅",
                            "机关党委",
                            due=50,
                            state=DONE,
                            report="已完成5个党支部标准化评估，查找问题12个，已全部整改。",
                            files=("党支部标准化建设评估情况.pdf",),
                        ),
                        M(
                            "严格落实“三会一课”制度，由机关党委每季度抽查支部会议记录并通报。",
                            "刘畅",
                            "机关党委",
                            term="ongoing",
                            state=STANDING,
                            report="本季度抽查支部会议记录1次，通报问题支部1个；各支部召开专题"
                            "组织生活会5次。",
                            figures=((5, "次", "专题组织生活会"),),
                        ),
                    ),
                    signoff="approved",
                    signoff_note="评估整改已完成，“三会一课”抽查已转为常态化工作，申请销号。",
                ),
            ),
        ),
        (
            "落实上轮巡察和审计整改不够彻底",
            (
                P(
                    "上轮审计指出的专项资金问题整改不到位",
                    "苏敏",
                    (
                        M(
                            "对文化产业发展专项资金使用情况开展全面清查，对违规拨付的资金依规追回。",
                            "许杰",
                            "财务审计科",
                            due=70,
                            state=PROGRESS,
                            report="已清查专项资金项目46个，认定违规拨付资金3笔，追回资金18.5万元，"
                            "剩余款项已下达追缴通知。",
                            figures=((18.5, "万元", "追回专项资金"),),
                        ),
                        M(
                            "修订专项资金管理办法，建立项目绩效评价和资金拨付联审机制。",
                            "许杰",
                            "财务审计科",
                            due=150,
                        ),
                    ),
                ),
                P(
                    "非遗保护项目资料管理不规范",
                    "何志远",
                    (
                        M(
                            "对全区非遗代表性项目保护资料进行全面整理，建立“一项目一档案”。",
                            "宋文博",
                            "文物和非遗科",
                            due=130,
                            state=PROGRESS,
                            report="已完成市级以上非遗项目资料整理12项，区级项目资料整理正在进行。",
                        ),
                        M(
                            "落实非遗代表性传承人年度考核，对考核不合格的传承人暂停发放传承补助。",
                            "宋文博",
                            "文物和非遗科",
                            due=30,
                        ),
                        M(
                            "研究制定非遗工坊扶持政策，推动非遗项目与乡村旅游融合发展。",
                            "",
                            "文物和非遗科",
                        ),
                    ),
                ),
            ),
        ),
    ),
)


SCHOOL = Ledger(
    unit="区实验中学",
    round="一届区委第三轮巡察",
    group="区委第二巡察组",
    feedback=95,
    categories=(
        (
            "党的全面领导和立德树人根本任务落实不够到位",
            (
                P(
                    "党组织领导的校长负责制运行机制不够健全",
                    "邵建国",
                    (
                        M(
                            "修订《党委会议事规则》和《校长办公会议事规则》，明确“三重一大”"
                            "事项清单和议事程序。",
                            "方静",
                            "党政办公室",
                            due=40,
                            state=DONE,
                            report="2项议事规则已经党委会审议通过并印发，列明“三重一大”事项27项。",
                            figures=((2, "项", "修订议事规则制度"),),
                            files=("《党委会议事规则》印发通知.pdf",),
                        ),
                        M(
                            "党委书记和校长每月召开1次沟通会，重大事项提交会议前充分酝酿。",
                            "方静",
                            "党政办公室",
                            term="ongoing",
                            state=PROGRESS,
                            report="书记校长月度沟通会已召开3次，会议情况记录在案。",
                        ),
                    ),
                ),
                P(
                    "思政课教师队伍建设有待加强",
                    "骆红",
                    (
                        M(
                            "配齐配强思政课专职教师，年内通过公开招聘和校内转岗补充2名专职教师。",
                            "郭峰",
                            "教务处",
                            due=160,
                            state=PROGRESS,
                            report="已完成1名思政课教师公开招聘，另1名校内转岗人选已确定，正在"
                            "办理手续。",
                        ),
                        M(
                            "每学期开展思政课集体备课不少于8次，选派思政课教师参加市级以上培训。",
                            "郭峰",
                            "教务处",
                            due=100,
                            state=PROGRESS,
                            report="本学期已开展集体备课6次，选派4名教师参加市级培训。",
                        ),
                    ),
                ),
            ),
        ),
        (
            "落实全面从严治党责任和财经纪律不严",
            (
                P(
                    "食堂食材采购管理存在漏洞",
                    "贾平",
                    (
                        M(
                            "对近两年食堂食材采购开展专项审计，对价格明显偏高的供货合同重新议价"
                            "或依规终止。",
                            "陈刚",
                            "总务处",
                            due=60,
                            state=PROGRESS,
                            report="第三方专项审计发现采购价格偏高品类11个，已重新议价8个，挽回"
                            "经济损失6.8万元，其余3个合同拟依规终止。",
                            figures=((6.8, "万元", "挽回经济损失"),),
                        ),
                        M(
                            "实行食材“双人验收”和每周价格公示，邀请家长代表参与膳食委员会监督。",
                            "陈刚",
                            "总务处",
                            due=30,
                            state=DONE,
                            report="双人验收和每周价格公示已实行，家长膳食委员会已成立并开展陪餐"
                            "检查4次。",
                            files=("食堂价格公示栏照片.png",),
                        ),
                    ),
                ),
                P(
                    "违规有偿补课问题整治不够彻底",
                    "祁红",
                    (
                        M(
                            "开展在职教师有偿补课专项排查，全体教师签订师德承诺书，公布举报渠道。",
                            "方静",
                            "党政办公室",
                            term="immediate",
                            due=20,
                            state=DONE,
                            report="全校186名在职教师已签订承诺书，举报电话和邮箱已公布，排查发现"
                            "问题线索2条并移交学校纪委。",
                            reference="师德承诺书186份，存党政办公室档案室",
                        ),
                        M(
                            "对查实存在有偿补课行为的教师依规依纪处理，并在全体教职工大会上通报。",
                            "祁红",
                            "学校纪委",
                            due=45,
                            state=DONE,
                            report="对查实的2名教师诫勉处理1人次、批评教育1人次，已在全体教职工"
                            "大会上通报。",
                            figures=((1, "人次", "诫勉处理"), (1, "人次", "批评教育")),
                            files=("有偿补课问题处理情况通报.pdf",),
                        ),
                    ),
                    signoff="approved",
                    signoff_note="排查和处理均已完成，已在全校通报，申请销号。",
                ),
                P(
                    "校舍维修工程项目管理不规范",
                    "贾平",
                    (
                        M(
                            "逐项复核近两年校舍维修工程的工程量和结算价款，对多付款项依规追回。",
                            "陈刚",
                            "总务处",
                            due=120,
                            state=PROGRESS,
                            report="已复核维修项目9个，核减结算价款4.2万元，追回多付款项1.5万元。",
                            figures=((1.5, "万元", "追回多付工程款"),),
                        ),
                        M(
                            "建立小额工程项目校内比选和验收制度，验收由纪委派员全程参与。",
                            "施云",
                            "财务室",
                            due=75,
                            state=PROGRESS,
                            report="制度初稿已形成，待提交校长办公会审议。",
                        ),
                    ),
                ),
            ),
        ),
    ),
)


STREET = Ledger(
    unit="青禾街道",
    round="一届区委第四轮巡察",
    group="区委第一巡察组",
    feedback=40,
    owners={"马超": "qh_owner", "刘波": "qh_liubo"},
    categories=(
        (
            "落实区委决策部署和基层治理要求有差距",
            (
                P(
                    "老旧小区改造推进缓慢",
                    "吕晨",
                    (
                        M(
                            "制定老旧小区改造攻坚计划，对3个滞后小区实行“一小区一专班”，"
                            "倒排工期、挂图作战。",
                            "马超",
                            "城市管理办公室",
                            due=30,
                            state=PROGRESS,
                            report="3个工作专班已成立，桂园小区雨污分流已完工，其余2个小区管网改造"
                            "正在施工。",
                            files=("桂园小区改造施工现场.png",),
                        ),
                        M(
                            "每月召开1次居民议事会，公开改造进度和资金使用情况，收集解决居民诉求。",
                            "刘波",
                            "城市管理办公室",
                            term="ongoing",
                            state=PROGRESS,
                            report="已召开居民议事会2次，收集居民诉求47条，已解决39条。",
                        ),
                        M(
                            "约谈延误工期的施工单位，依合同扣减履约保证金。",
                            "马超",
                            "城市管理办公室",
                            term="immediate",
                            due=15,
                            state=RETURNED,
                            report="已约谈施工单位负责人2次，施工单位已增派施工人员。",
                            reference="约谈情况说明，存城市管理办公室",
                            note="约谈已完成，施工单位已整改。",
                            reason="未附约谈记录，履约保证金扣减情况也未说明，请补充后重新申请。",
                        ),
                    ),
                ),
                P(
                    "网格化管理作用发挥不充分",
                    "孔丽",
                    (
                        M(
                            "重新划分社区网格，明确网格员职责清单，建立网格事件“发现—上报—处置—"
                            "反馈”闭环机制。",
                            "徐伟",
                            "社会事务办公室",
                            due=45,
                            state=PROGRESS,
                            report="辖区已重新划分为64个网格，网格员职责清单已印发，事件闭环处置"
                            "平台正在调试。",
                        ),
                        M(
                            "将网格事件办结率纳入社区年度考核，每季度通报排名。",
                            "徐伟",
                            "社会事务办公室",
                            due=90,
                        ),
                    ),
                ),
            ),
        ),
        (
            "落实全面从严治党责任有差距",
            (
                P(
                    "社区集体“三资”管理不规范",
                    "吕晨",
                    (
                        M(
                            "对7个社区的集体资产资源全面清查，对长期低价出租的资产依法收回、"
                            "公开招租。",
                            "吴静",
                            "财政所",
                            due=60,
                            state=PROGRESS,
                            report="已清查集体资产214项，发现低价出租9项，已收回3项并公开招租。",
                        ),
                        M(
                            "规范社区财务收支审批，大额支出一律经社区“两委”联席会议研究并公示。",
                            "吴静",
                            "财政所",
                            due=20,
                            state=DONE,
                            report="新建社区财务收支审批制度1项，7个社区均已设立大额支出公示栏。",
                            figures=((1, "项", "社区财务收支审批制度"),),
                            files=("社区“两委”联席会议纪要.docx",),
                        ),
                    ),
                ),
                P(
                    "综合执法队伍作风不够严实",
                    "严明",
                    (
                        M(
                            "开展综合执法队作风纪律专项整顿，对群众反映的执法不规范问题逐件核查。",
                            "蒋涛",
                            "综合行政执法队",
                            due=30,
                            state=DONE,
                            report="专项整顿已完成，核查群众反映问题线索6件，对执法队员开展提醒谈话"
                            "2人次。",
                            figures=((2, "人次", "提醒谈话"),),
                            reference="核查报告和谈话记录，存纪工委",
                        ),
                        M(
                            "推行执法记录仪全过程记录，每月抽查执法案卷不少于20件。",
                            "蒋涛",
                            "综合行政执法队",
                            term="ongoing",
                            state=STANDING,
                            report="执法记录仪已配备到每名一线队员，本月抽查执法案卷24件。",
                        ),
                    ),
                    signoff="applied",
                    signoff_note="专项整顿已完成，案卷抽查已转为每月常规工作，申请销号。",
                ),
            ),
        ),
        (
            "基层党组织建设存在薄弱环节",
            (
                P(
                    "社区党组织书记队伍后备力量不足",
                    "朱海涛",
                    (
                        M(
                            "建立社区后备干部人才库，从退役军人、返乡大学生中选育后备干部"
                            "不少于14名。",
                            "何芳",
                            "党建办公室",
                            due=150,
                            state=PROGRESS,
                            report="已摸排人选31名，确定后备干部培养对象16名。",
                        ),
                        M(
                            "举办社区党组织书记能力提升培训班，开展专题党课和“书记讲堂”。",
                            "何芳",
                            "党建办公室",
                            due=35,
                            state=DONE,
                            report="已举办培训班1期，党工委书记讲授专题党课1次，7名社区书记轮流"
                            "开展“书记讲堂”。",
                            figures=((1, "次", "专题党课"),),
                            files=("社区书记培训班签到表.pdf",),
                        ),
                    ),
                ),
            ),
        ),
    ),
)


COMPANY = Ledger(
    unit="区城投集团",
    round="一届区委第四轮巡察",
    group="区委第三巡察组",
    feedback=40,
    confirm_by="leader",
    categories=(
        (
            "服务全区重大项目建设作用发挥不充分",
            (
                P(
                    "部分重点项目建设进度滞后",
                    "潘涛",
                    (
                        M(
                            "对集团承建的12个区级重点项目逐一排查进度，滞后项目由集团领导"
                            "包干推进。",
                            "邱明",
                            "工程管理部",
                            due=30,
                            state=PROGRESS,
                            report="12个项目进度排查已完成，5个滞后项目明确了包干领导，其中2个"
                            "已追回进度。",
                        ),
                        M(
                            "建立重点项目周调度、月通报制度，进度情况报区重点办备案。",
                            "邱明",
                            "工程管理部",
                            due=45,
                            state=REQUESTED,
                            report="新建周调度、月通报制度1项并印发执行，已召开调度会5次，2期月度"
                            "通报已报区重点办。",
                            figures=((1, "项", "重点项目调度制度"),),
                            files=("重点项目周调度会议纪要.docx",),
                            note="调度制度已印发，调度会按周召开。",
                        ),
                    ),
                ),
                P(
                    "国有资产经营效益不高",
                    "曹宇",
                    (
                        M(
                            "全面清查集团经营性资产，对闲置房产、车位制定盘活方案，年内盘活率"
                            "不低于60%。",
                            "孟洁",
                            "资产运营部",
                            due=140,
                            state=PROGRESS,
                            report="已清查经营性房产168处、车位912个，盘活方案已经总经理办公会审议。",
                        ),
                        M(
                            "到期的低价出租合同一律进场公开招租，不得私下续租。",
                            "孟洁",
                            "资产运营部",
                            term="ongoing",
                            state=PROGRESS,
                            report="本季度到期合同11份已全部进场公开招租，平均租金较原合同提高18%。",
                        ),
                    ),
                ),
            ),
        ),
        (
            "落实全面从严治党和廉洁风险防控不够有力",
            (
                P(
                    "工程建设领域廉洁风险防控薄弱",
                    "卢琳",
                    (
                        M(
                            "修订工程变更签证管理办法，单项变更超过50万元的须经集团党委会"
                            "前置研究。",
                            "葛宁",
                            "法务审计部",
                            due=30,
                            state=DONE,
                            report="修订印发《工程变更签证管理办法》1项，单项超过50万元的变更均已"
                            "提交党委会前置研究。",
                            figures=((1, "项", "工程变更签证管理制度"),),
                            files=("党委会研究工程变更事项纪要.docx",),
                        ),
                        M(
                            "对近三年工程结算开展审计复核，对多计的工程款依规追回。",
                            "葛宁",
                            "法务审计部",
                            due=120,
                            state=PROGRESS,
                            report="已复核结算项目23个，审减金额86.3万元，追回多计工程款41.2万元。",
                            figures=((41.2, "万元", "追回多计工程款"),),
                        ),
                    ),
                ),
                P(
                    "个别项目招投标存在违规问题线索",
                    "卢琳",
                    (
                        M(
                            "巡察移交的问题线索由集团纪委依规依纪核查处置，结果报区纪委监委。",
                            "卢琳",
                            "集团纪委",
                            due=60,
                            state=PROGRESS,
                            report="问题线索已按程序办理，核查工作正在进行。",
                        ),
                    ),
                    withhold="case",
                    withhold_approver="卢琳",
                ),
                P(
                    "中层管理人员选聘不够规范",
                    "董建华",
                    (
                        M(
                            "对集团及子公司中层管理人员选聘程序开展专项检查，纠正程序不规范问题。",
                            "石磊",
                            "人力资源部",
                            due=25,
                            state=DONE,
                            report="已检查中层选聘事项32人次，纠正程序不规范问题4个，批评教育相关"
                            "责任人3人次。",
                            figures=((3, "人次", "批评教育"),),
                            reference="专项检查报告，存人力资源部",
                        ),
                        M(
                            "制定《集团中层管理人员选聘管理办法》，推行竞争上岗和任前公示。",
                            "石磊",
                            "人力资源部",
                            due=50,
                        ),
                    ),
                ),
            ),
        ),
    ),
)


# The housing bureau's inspection of the first round, rectified and signed off long ago:
# the 回头看 below is linked to it, and two of its problems were found again (屡查屡犯).
EARLIER = Ledger(
    unit="区住房和城乡建设局",
    round="一届区委第一轮巡察",
    group="区委第三巡察组",
    feedback=760,
    settled=110,
    categories=(
        (
            "履行行业监管职责不到位",
            (
                P(
                    "物业服务企业监管缺少抓手，信用评价制度尚未建立",
                    "田野",
                    (
                        M(
                            "起草物业服务企业信用评价办法，明确评价指标和结果运用。",
                            "易欣",
                            "物业管理科",
                            due=60,
                            state=DONE,
                            report="信用评价办法征求意见稿已起草完成，向32家物业服务企业征求意见。",
                            files=("党组会议研究信用评价办法纪要.docx",),
                        ),
                    ),
                    description="全区物业服务投诉连续两年居住建领域首位，局里对物业企业"
                    "只有年检一种手段。",
                    signoff="approved",
                    signoff_note="办法征求意见稿已完成，转入常态推进。",
                ),
                P(
                    "建筑工地扬尘治理执法检查流于形式",
                    "田野",
                    (
                        M(
                            "对全区在建工地扬尘治理“六个百分百”落实情况开展一次拉网式检查。",
                            "邹强",
                            "区建设工程质量安全站",
                            term="immediate",
                            due=30,
                            state=DONE,
                            report="检查在建工地41个，责令整改9个，立案处罚2起；修订扬尘治理执法检查制度2项。",
                            figures=((2, "项", "扬尘治理执法检查制度"),),
                            files=("扬尘治理检查通报.pdf",),
                        ),
                    ),
                    signoff="approved",
                ),
            ),
        ),
        (
            "服务群众意识不强",
            (
                P(
                    "政务服务窗口工作人员服务态度生硬，推诿群众诉求",
                    "吴建平",
                    (
                        M(
                            "开展窗口服务作风专项整顿，设立意见箱，每月通报群众评价。",
                            "孙莉",
                            "办公室",
                            due=45,
                            state=DONE,
                            report="专项整顿已完成，窗口设立意见箱，首月群众评价满意率96%。",
                            reference="专项整顿工作记录，存局办公室",
                        ),
                    ),
                    signoff="approved",
                ),
            ),
        ),
    ),
)


FOLLOW_UP = Ledger(
    unit="区住房和城乡建设局",
    round="一届区委第四轮巡察",
    group="区委第一巡察组",
    feedback=22,
    mode="follow_up",
    categories=(
        (
            "上轮巡察反馈问题整改不够彻底",
            (
                P(
                    "物业服务企业信用评价制度迟迟未落地",
                    "田野",
                    (
                        M(
                            "将物业服务企业信用评价办法提交局党组会议审议后印发实施，年内完成"
                            "首轮评价。",
                            "易欣",
                            "物业管理科",
                            due=10,
                            state=PROGRESS,
                            report="评价办法送审稿已完成合法性审查，拟提交下次党组会议审议。",
                        ),
                        M(
                            "对上轮巡察整改中已报“完成”的事项逐项复核，整改不实的重新列入台账。",
                            "孙莉",
                            "办公室",
                            term="immediate",
                            due=7,
                            state=DONE,
                            report="已复核上轮整改事项34项，认定整改不实3项，均已重新列入本次"
                            "整改台账。",
                            files=("上轮整改事项复核清单.pdf",),
                        ),
                    ),
                    description="上轮巡察后承诺出台的信用评价办法至今未印发，整改报告却报"
                    "“已完成”。",
                ),
                P(
                    "在建工程质量安全监管存在漏项",
                    "田野",
                    (
                        M(
                            "质量安全站对在建项目开展全覆盖巡查，对高支模、深基坑等危大工程"
                            "挂牌督办。",
                            "邹强",
                            "区建设工程质量安全站",
                            due=40,
                            state=PROGRESS,
                            report="已巡查在建项目58个，下发整改通知书21份，挂牌督办危大工程6项。",
                        ),
                        M(
                            "建立监督执法人员廉洁承诺和回避制度。",
                            "邹强",
                            "区建设工程质量安全站",
                            due=60,
                        ),
                    ),
                ),
            ),
        ),
        (
            "干部作风问题仍有反弹",
            (
                P(
                    "政务服务窗口“冷硬推”问题仍有发生",
                    "吴建平",
                    (
                        M(
                            "在政务服务窗口推行首问负责和一次性告知，公开投诉电话。",
                            "孙莉",
                            "办公室",
                            term="immediate",
                            due=10,
                            state=DONE,
                            report="首问负责和一次性告知制度已在窗口公示，投诉电话已公开。",
                            files=("窗口服务公示牌.png",),
                        ),
                        M(
                            "对群众投诉的窗口工作人员逐一约谈，情节较重的调离窗口岗位。",
                            "孙莉",
                            "办公室",
                            due=15,
                            state=DONE,
                            report="已约谈被投诉的窗口工作人员3人次，其中1名调离窗口岗位。",
                            figures=((3, "人次", "约谈窗口工作人员"),),
                            reference="约谈记录，存局办公室",
                        ),
                    ),
                ),
            ),
        ),
    ),
)

LEDGERS = (BUREAU, SCHOOL, STREET, COMPANY, EARLIER, FOLLOW_UP)

# 回头看: the follow-up is linked to the earlier inspection and the office confirms
# these of its problems as found again (屡查屡犯): (problem, earlier problem).
RECURRENCES = (
    ("物业服务企业信用评价制度迟迟未落地", "物业服务企业监管缺少抓手，信用评价制度尚未建立"),
    ("政务服务窗口“冷硬推”问题仍有发生", "政务服务窗口工作人员服务态度生硬，推诿群众诉求"),
)


@dataclass(frozen=True)
class Order:
    """A supervision order from the office, answered or not."""

    unit: str
    level: str
    problems: tuple[str, ...]  # problem titles
    due: int  # days after loading (negative: already past)
    text: str
    reply: str = ""


ORDERS = (
    Order(
        "区文化和旅游局",
        "notice",
        ("公务接待和公务用车管理不够规范",),
        -20,
        "请对公务接待费用开展全面核查，清退违规费用，并于规定时限内报送核查结果。",
        reply="已核查公务接待费用412笔，清退违规资金2.36万元，对3名负责同志开展提醒谈话；"
        "两项制度正在修订。",
    ),
    Order(
        "区文化和旅游局",
        "reminder",
        ("上轮审计指出的专项资金问题整改不到位", "推动文旅产业高质量发展举措不够有力"),
        -3,
        "你局专项资金追缴和签约项目落地两项整改已超过完成时限，请加快推进，说明滞后原因和"
        "下一步安排。",
    ),
    Order(
        "青禾街道",
        "notice",
        ("老旧小区改造推进缓慢",),
        7,
        "老旧小区改造群众反映集中，请倒排工期，逐小区报送改造进度和居民诉求办理情况。",
    ),
    Order(
        "区城投集团",
        "notice",
        ("部分重点项目建设进度滞后",),
        -5,
        "请对滞后的区级重点项目逐一说明原因，明确包干领导和追赶进度的时间节点。",
        reply="5个滞后项目均已明确集团领导包干，其中2个已追回进度，其余3个计划于下月底前追平节点。",
    ),
    Order(
        "区住房和城乡建设局",
        "notice",
        ("物业服务企业信用评价制度迟迟未落地",),
        5,
        "上轮巡察整改承诺事项至今未兑现，请于时限内印发信用评价办法并报送首轮评价工作安排。",
    ),
)

# The public's comments on the bureau's published notice: (name, content, reply, public).
COMMENTS = (
    (
        "张先生",
        "通报里说追回专项资金18.5万元，剩余款项什么时候能追缴到位？建议下次通报时说明。",
        "感谢您的监督。剩余款项已下达追缴通知，要求于本季度末前缴回，追缴结果将在下一次"
        "整改进展通报中公布。",
        True,
    ),
    (
        "",
        "青禾溪谷的导览牌做得不错，但周末停车还是很难，希望一并解决。",
        "已转产业发展科会同交通部门研究周末临时停车方案。",
        False,
    ),
    (
        "李女士",
        "城西博物馆周一闭馆的提示不够醒目，外地游客经常白跑一趟，建议在景区导览牌和公众号"
        "同步提示。",
        "",
        False,
    ),
)

# A parent's comment on the school's notice, not yet answered.
SCHOOL_COMMENT = ("家长", "食堂每周价格公示能不能同步发到家长群？方便家长监督。")

# 交接: a street official moved to another post; the owner took over his open duties.
HANDOVERS = (
    (
        "qh_liubo",
        "qh_owner",
        "qh_editor",
        "刘波同志调任区城市管理局，其负责的整改任务由马超同志接手。",
    ),
)

# 问责 on the bureau's problems: (problem, person, post, their unit, kind, days ago,
# decided by, note). Fictional people; the public notice counts them, never names them.
ACCOUNTABILITY = (
    (
        "公务接待和公务用车管理不够规范",
        "周海峰",
        "办公室副主任",
        "区文化和旅游局",
        "诫勉",
        40,
        "区纪委监委派驻第三纪检监察组",
        "超标准接待2次，未按规定报批。",
    ),
    (
        "公务接待和公务用车管理不够规范",
        "郑小川",
        "驾驶员",
        "区文化和旅游局",
        "批评教育",
        40,
        "局党组",
        "公车私用1次，已退缴费用。",
    ),
    (
        "上轮审计指出的专项资金问题整改不到位",
        "孙建华",
        "财务审计科科长",
        "区文化和旅游局",
        "谈话提醒",
        30,
        "局党组",
        "专项资金追缴工作推进迟缓。",
    ),
)

# How the notice words the kinds above (as migration ledger 0010 seeds them).
KIND_PHRASES = {"诫勉": "诫勉谈话"}

# 延期申请 on the bureau's open measures, after the office confirms its ledger:
# (problem, days added, reason, decision: "approved", "refused" or "" to leave it waiting).
EXTENSIONS = (
    (
        "推动文旅产业高质量发展举措不够有力",
        60,
        "3个签约项目的用地指标需待全区国土空间规划调整后方能落实，申请延期60天。",
        "approved",
    ),
    (
        "上轮审计指出的专项资金问题整改不到位",
        45,
        "剩余2笔违规拨付资金涉及的企业已进入破产清算，需待清算组确认债权后追回，申请延期45天。",
        "",
    ),
    (
        "非遗保护项目资料管理不规范",
        90,
        "资料数字化外包服务尚未招标完成。",
        "refused",
    ),
)

# A new colleague at the street office: (login, name, post, unit, role), given an account
# and a role by the administrators, not yet logged in; no demo password.
NEWCOMER = ("qh_heyuxin", "何雨欣", "综合执法队科员", "青禾街道", "owner")

# 成效评估 of the third round, scored so far for two units: (unit, ((score, reason) for each
# scored indicator in order: 按期整改, 佐证质量, 屡查屡犯)); 群众满意度 comes from the public.
EVALUATION_ROUND = "一届区委第三轮巡察"
EVALUATION_SCORES = (
    (
        "区文化和旅游局",
        (
            (82, "个别措施超期，经批准延期1项"),
            (88, "佐证材料齐全，个别会议纪要未盖章"),
            (90, "未发现屡查屡犯"),
        ),
    ),
    (
        "区实验中学",
        (
            (75, "整改情况报告逾期未报送"),
            (80, "食堂整改佐证以照片为主"),
            (95, "未发现屡查屡犯"),
        ),
    ),
)
