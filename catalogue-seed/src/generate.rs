//! The item list (`data/names.tsv`) expanded into guides: one template per item type of
//! GB/T 39046 A.1 (conditions, steps, limits, result), the organ's hall and phones, the
//! applicant's identity document (a citizen's ID card or a company's business licence, both
//! satisfied by the wallet) and the item's own application form (never reused). Which flags an
//! item has is decided by a hash of its name, so the same list always gives the same catalogue.
//!
//! Each line: `type <TAB> themes <TAB> organ key <TAB> name <TAB> English name <TAB> popularity
//! [<TAB> legal basis [<TAB> aliases]]`, themes and aliases comma-separated (`person:085,person:150`);
//! `#` starts a comment.

use std::collections::BTreeMap;

use shimin_wire::catalogue::{
    FaqDto, FlagsDto, Localized, MaterialDto, OrganDto, ResultDto, ServiceDocument, ServiceStatusDto,
    StepDto, TimeLimitDto, TimeUnitDto,
};

use crate::SeedError;
use crate::spec::{MaterialSpec, MaterialsFile, OrganSpec, legal_basis, limit, step_en, text};

/// The organ as the documents carry it.
pub(crate) fn organ_dto(organ: &OrganSpec) -> OrganDto {
    OrganDto {
        code: organ.code.clone(),
        key: organ.key.clone(),
        name: text(&organ.name, Some(&organ.en)),
        nature: organ.nature,
    }
}

/// FNV-1a: a stable hash (std's hasher may change between releases).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Words of public services asked for without a form (a query, a complaint, a booking): their
/// guides ask only for the applicant's identity and are done online, on the spot.
const NO_FORM: &[&str] = &["查询", "投诉", "举报", "预约", "报案", "求助", "咨询", "报修", "热线"];

/// One line of the list.
struct Item<'a> {
    item_type: &'a str,
    themes: Vec<String>,
    organ: &'a str,
    name: &'a str,
    en: &'a str,
    popularity: u64,
    law: Option<&'a str>,
    /// 日常用语: what citizens call it.
    aliases: Vec<String>,
}

fn item(line: &str, number: usize) -> Result<Item<'_>, SeedError> {
    let bad = |reason: &str| SeedError::Names { line: number, reason: reason.to_owned() };
    let fields: Vec<&str> = line.split('\t').collect();
    let [item_type, themes, organ, name, en, popularity, rest @ ..] = fields.as_slice() else {
        return Err(bad("fewer than six fields"));
    };
    let (law, aliases) = match rest {
        [] => (None, ""),
        [law] => (Some(*law), ""),
        [law, aliases] => (Some(*law), *aliases),
        _ => return Err(bad("more than eight fields")),
    };
    let law = law.filter(|l| !l.is_empty());
    let aliases: Vec<String> =
        aliases.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
    let themes: Vec<String> = themes.split(',').map(|t| t.trim().to_owned()).collect();
    if themes.iter().any(|t| !theme_shape(t)) {
        return Err(bad("a theme is not person:NNN or legal:NNN"));
    }
    if name.is_empty() || en.is_empty() {
        return Err(bad("an empty name"));
    }
    Ok(Item {
        item_type,
        themes,
        organ,
        name,
        en,
        popularity: popularity.parse().map_err(|_| bad("popularity is not a number"))?,
        law,
        aliases,
    })
}

fn theme_shape(theme: &str) -> bool {
    let code = theme.strip_prefix("person:").or_else(|| theme.strip_prefix("legal:"));
    code.is_some_and(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit()))
}

/// What an item type's guides share.
struct Template {
    conditions: &'static [&'static str],
    /// Step name, detail, limit.
    steps: &'static [(&'static str, &'static str, Option<&'static str>)],
    statutory: &'static str,
    /// Promised limits to pick from by hash.
    promised: &'static [&'static str],
    result: (&'static str, &'static str),
    /// Whether the citizen applies (else the organ acts on its own, and no form is filed).
    applied_for: bool,
}

fn template(item_type: &str) -> Option<Template> {
    Some(match item_type {
        "01" => Template {
            conditions: &["申请人具备法律、法规规定的相应条件", "申请材料齐全、符合法定形式"],
            steps: &[
                ("申请", "申请人通过网上办事大厅或到窗口提交申请材料", Some("now")),
                ("受理", "窗口审查材料是否齐全、符合法定形式，当场或五日内作出是否受理的决定", Some("5wd")),
                ("审查", "对申请材料的实质内容进行审查，需要时进行现场核查", None),
                ("决定", "作出准予或不予行政许可的书面决定", None),
                ("送达", "窗口领取或邮寄送达许可决定及证件", Some("10wd")),
            ],
            statutory: "20wd",
            promised: &["5wd", "7wd", "10wd", "15wd"],
            result: ("准予行政许可决定书", "Decision granting the licence"),
            applied_for: true,
        },
        "02" => Template {
            conditions: &["存在违反法律、法规或规章规定的行为，依法应当给予行政处罚"],
            steps: &[
                ("立案", "发现违法行为线索，符合立案条件的予以立案", Some("15cd")),
                ("调查取证", "全面、客观、公正地调查，收集证据", None),
                ("告知", "告知当事人拟作出的处罚内容及事实、理由、依据和依法享有的权利", None),
                ("陈述申辩", "当事人可以进行陈述、申辩，符合条件的可以要求听证", None),
                ("决定", "作出行政处罚决定，制作行政处罚决定书", None),
                ("送达", "宣告后当场交付当事人或在七日内送达", Some("7cd")),
            ],
            statutory: "90cd",
            promised: &["90cd", "60cd"],
            result: ("行政处罚决定书", "Administrative penalty decision"),
            applied_for: false,
        },
        "03" => Template {
            conditions: &["依法需要采取行政强制措施，以制止违法行为、防止证据损毁或避免危害发生"],
            steps: &[
                ("审批报告", "实施前向行政机关负责人报告并经批准", None),
                ("通知当事人", "通知当事人到场，当场告知采取强制措施的理由、依据及其权利", None),
                ("实施", "由两名以上执法人员出示执法证件后实施", None),
                ("现场笔录", "制作现场笔录，由当事人和执法人员签名或盖章", None),
                ("送达", "制作并当场交付强制措施决定书和清单", Some("now")),
            ],
            statutory: "30cd",
            promised: &["30cd"],
            result: ("行政强制措施决定书", "Decision on the enforcement measure"),
            applied_for: false,
        },
        "04" => Template {
            conditions: &["属于法律、法规规定的征收范围，负有缴纳义务"],
            steps: &[
                ("申报", "缴纳义务人按规定申报", Some("now")),
                ("核定", "核定应缴金额并出具缴款通知", Some("5wd")),
                ("缴纳", "通过银行、网上或窗口缴纳", None),
            ],
            statutory: "15wd",
            promised: &["now", "5wd"],
            result: ("缴款凭证", "Payment receipt"),
            applied_for: true,
        },
        "05" => Template {
            conditions: &["符合国家和本市规定的给付对象条件", "如实申报家庭或个人情况并授权核查"],
            steps: &[
                ("申请", "本人或委托他人向窗口或网上提出申请", Some("now")),
                ("受理", "材料齐全的当场受理", Some("now")),
                ("审核", "核对申请人情况，需要时入户调查", None),
                ("公示", "对拟给付对象进行公示", Some("7cd")),
                ("决定", "作出给付或不予给付的决定并告知理由", None),
                ("发放", "按月或一次性发放至申请人银行账户", None),
            ],
            statutory: "30wd",
            promised: &["10wd", "15wd", "20wd"],
            result: ("给付决定通知书", "Benefit decision"),
            applied_for: true,
        },
        "06" => Template {
            conditions: &["属于本部门依法监督检查的对象或事项"],
            steps: &[
                ("检查", "两名以上执法人员出示证件，依法实施检查并制作检查记录", None),
                ("告知", "将检查结果告知被检查对象", Some("10wd")),
                ("整改", "发现问题的，责令限期整改并复查", None),
            ],
            statutory: "30cd",
            promised: &["20cd", "30cd"],
            result: ("检查结果告知书", "Inspection result notice"),
            applied_for: false,
        },
        "07" => Template {
            conditions: &["申请人为确认事项的当事人或其合法代理人", "申请材料齐全、真实、有效"],
            steps: &[
                ("申请", "申请人网上或到窗口提交申请", Some("now")),
                ("受理", "材料齐全的当场受理", Some("now")),
                ("审核", "对申请事项进行审核，需要时核实情况", None),
                ("登记", "符合条件的予以确认登记", None),
                ("发证", "出具确认结果或证明，当场领取或邮寄送达", None),
            ],
            statutory: "20wd",
            promised: &["now", "3wd", "5wd", "10wd"],
            result: ("确认登记结果", "Confirmation of registration"),
            applied_for: true,
        },
        "08" => Template {
            conditions: &["在相关领域作出突出贡献或取得显著成绩，符合奖励条件"],
            steps: &[
                ("推荐申报", "个人或单位推荐、申报", None),
                ("审核", "对申报材料和事迹进行审核评审", None),
                ("公示", "对拟奖励对象公示", Some("7cd")),
                ("决定", "作出奖励决定", None),
                ("颁发", "颁发证书、奖金或奖品", None),
            ],
            statutory: "60wd",
            promised: &["60wd", "40wd"],
            result: ("奖励决定及荣誉证书", "Award decision and certificate"),
            applied_for: true,
        },
        "09" => Template {
            conditions: &["当事人之间发生与行政管理活动密切相关的民事纠纷，依法可以申请裁决"],
            steps: &[
                ("申请", "当事人提交裁决申请书及证据", Some("now")),
                ("受理", "审查后决定是否受理", Some("5wd")),
                ("调查", "听取双方意见，调查核实证据", None),
                ("裁决", "作出裁决", None),
                ("送达", "送达裁决书", Some("7cd")),
            ],
            statutory: "60cd",
            promised: &["60cd", "45cd"],
            result: ("行政裁决书", "Administrative ruling"),
            applied_for: true,
        },
        "10" => Template {
            conditions: &["申请人符合相关规定的条件", "申请材料齐全、符合规定形式"],
            steps: &[
                ("申请", "网上或到窗口提交申请", Some("now")),
                ("受理", "材料齐全的当场受理", Some("now")),
                ("审核", "对申请进行审核", None),
                ("办结", "作出办理结果并告知申请人", None),
            ],
            statutory: "20wd",
            promised: &["5wd", "10wd"],
            result: ("办理结果通知书", "Notice of the outcome"),
            applied_for: true,
        },
        "20" => Template {
            conditions: &["申请人为服务对象本人或其委托的代理人", "按要求提供相关材料"],
            steps: &[
                ("申请", "网上、掌上或到窗口提出申请", Some("now")),
                ("受理", "材料齐全的当场受理", Some("now")),
                ("办结", "审核后出具办理结果，可当场领取或邮寄", None),
            ],
            statutory: "10wd",
            promised: &["now", "now", "1wd", "3wd", "5wd"],
            result: ("办理结果", "Outcome of the service"),
            applied_for: true,
        },
        _ => return None,
    })
}

/// The English of the templates' fixed texts (every one has it; a test checks).
fn template_en(text: &str) -> Option<&'static str> {
    Some(match text {
        "申请人具备法律、法规规定的相应条件" => {
            "The applicant meets the conditions the laws and regulations set"
        }
        "申请材料齐全、符合法定形式" => "The papers are complete and in the legal form",
        "申请人通过网上办事大厅或到窗口提交申请材料" => {
            "Hand in the papers online or at the window"
        }
        "窗口审查材料是否齐全、符合法定形式，当场或五日内作出是否受理的决定" => {
            "The window checks the papers and decides on the spot or within five days whether to accept them"
        }
        "对申请材料的实质内容进行审查，需要时进行现场核查" => {
            "The substance is examined, with an on-site check where needed"
        }
        "作出准予或不予行政许可的书面决定" => {
            "A written decision grants or refuses the licence"
        }
        "窗口领取或邮寄送达许可决定及证件" => {
            "The decision and licence are collected at the window or posted"
        }
        "存在违反法律、法规或规章规定的行为，依法应当给予行政处罚" => {
            "An act breaking a law, regulation or rule that the law punishes"
        }
        "发现违法行为线索，符合立案条件的予以立案" => {
            "A case is opened when the facts justify it"
        }
        "全面、客观、公正地调查，收集证据" => {
            "A full, objective and fair investigation gathers the evidence"
        }
        "告知当事人拟作出的处罚内容及事实、理由、依据和依法享有的权利" => {
            "The party is told the intended penalty, its facts, reasons and basis, and their rights"
        }
        "当事人可以进行陈述、申辩，符合条件的可以要求听证" => {
            "The party may state their case, and ask for a hearing where the law allows"
        }
        "作出行政处罚决定，制作行政处罚决定书" => {
            "The penalty is decided in a written decision"
        }
        "宣告后当场交付当事人或在七日内送达" => {
            "The decision is handed over on the spot or delivered within seven days"
        }
        "依法需要采取行政强制措施，以制止违法行为、防止证据损毁或避免危害发生" => {
            "An enforcement measure is needed by law to stop an offence, keep evidence or prevent harm"
        }
        "实施前向行政机关负责人报告并经批准" => {
            "Reported to and approved by the head of the authority first"
        }
        "通知当事人到场，当场告知采取强制措施的理由、依据及其权利" => {
            "The party is called and told the reasons, basis and their rights on the spot"
        }
        "由两名以上执法人员出示执法证件后实施" => {
            "Carried out by at least two officers showing their credentials"
        }
        "制作现场笔录，由当事人和执法人员签名或盖章" => {
            "A record is made on site and signed by the party and the officers"
        }
        "制作并当场交付强制措施决定书和清单" => {
            "The decision and the list of items are handed over on the spot"
        }
        "属于法律、法规规定的征收范围，负有缴纳义务" => {
            "Liable to pay under the laws and regulations"
        }
        "缴纳义务人按规定申报" => "The payer declares as required",
        "核定应缴金额并出具缴款通知" => "The amount due is assessed and a payment notice issued",
        "通过银行、网上或窗口缴纳" => "Pay at a bank, online or at the window",
        "符合国家和本市规定的给付对象条件" => "Eligible under national and Beijing rules",
        "如实申报家庭或个人情况并授权核查" => {
            "The household's or person's situation is declared truthfully and may be checked"
        }
        "本人或委托他人向窗口或网上提出申请" => {
            "Apply in person or through an agent, at the window or online"
        }
        "材料齐全的当场受理" => "Accepted on the spot when the papers are complete",
        "核对申请人情况，需要时入户调查" => {
            "The applicant's situation is checked, with a home visit where needed"
        }
        "对拟给付对象进行公示" => "The intended recipients are announced publicly",
        "作出给付或不予给付的决定并告知理由" => {
            "The benefit is granted or refused, with reasons"
        }
        "按月或一次性发放至申请人银行账户" => {
            "Paid monthly or once into the applicant's bank account"
        }
        "属于本部门依法监督检查的对象或事项" => {
            "Subject to this department's inspection by law"
        }
        "两名以上执法人员出示证件，依法实施检查并制作检查记录" => {
            "At least two officers show their credentials, inspect and keep a record"
        }
        "将检查结果告知被检查对象" => "The result is told to the party inspected",
        "发现问题的，责令限期整改并复查" => {
            "Problems found must be put right by a deadline and are checked again"
        }
        "申请人为确认事项的当事人或其合法代理人" => {
            "The applicant is the party concerned or their lawful agent"
        }
        "申请材料齐全、真实、有效" => "The papers are complete, true and valid",
        "申请人网上或到窗口提交申请" => "Apply online or at the window",
        "对申请事项进行审核，需要时核实情况" => {
            "The application is examined and checked where needed"
        }
        "符合条件的予以确认登记" => "Registered when the conditions are met",
        "出具确认结果或证明，当场领取或邮寄送达" => {
            "The result or certificate is collected on the spot or posted"
        }
        "在相关领域作出突出贡献或取得显著成绩，符合奖励条件" => {
            "An outstanding contribution or achievement in the field that meets the award's conditions"
        }
        "个人或单位推荐、申报" => "Nominated or applied for by a person or organisation",
        "对申报材料和事迹进行审核评审" => "The nomination and achievements are reviewed",
        "对拟奖励对象公示" => "The intended awardees are announced publicly",
        "作出奖励决定" => "The award is decided",
        "颁发证书、奖金或奖品" => "Certificate, money or prize awarded",
        "当事人之间发生与行政管理活动密切相关的民事纠纷，依法可以申请裁决" => {
            "A civil dispute closely tied to administration that the law lets the authority rule on"
        }
        "当事人提交裁决申请书及证据" => {
            "The party hands in the application for a ruling and the evidence"
        }
        "审查后决定是否受理" => "Examined and accepted or not",
        "听取双方意见，调查核实证据" => "Both sides are heard and the evidence checked",
        "作出裁决" => "The ruling is made",
        "送达裁决书" => "The ruling is delivered",
        "申请人符合相关规定的条件" => "The applicant meets the conditions of the rules",
        "申请材料齐全、符合规定形式" => "The papers are complete and in the required form",
        "网上或到窗口提交申请" => "Apply online or at the window",
        "对申请进行审核" => "The application is examined",
        "作出办理结果并告知申请人" => "The outcome is decided and told to the applicant",
        "申请人为服务对象本人或其委托的代理人" => {
            "The applicant is the person served or their agent"
        }
        "按要求提供相关材料" => "The papers asked for are provided",
        "网上、掌上或到窗口提出申请" => "Apply online, in the app or at the window",
        "审核后出具办理结果，可当场领取或邮寄" => {
            "After review the result is issued, collected on the spot or posted"
        }
        _ => return None,
    })
}

fn time_text(limit: TimeLimitDto) -> (String, String) {
    let amount = limit.amount.unwrap_or(0);
    match limit.unit {
        TimeUnitDto::Immediate => ("即办".to_owned(), "on the spot".to_owned()),
        TimeUnitDto::WorkingDays => (format!("{amount}个工作日"), format!("{amount} working days")),
        TimeUnitDto::CalendarDays => (format!("{amount}日"), format!("{amount} days")),
        TimeUnitDto::Hours => (format!("{amount}小时"), format!("{amount} hours")),
        TimeUnitDto::Months => (format!("{amount}个月"), format!("{amount} months")),
    }
}

fn english(hans: &str, en: String) -> Localized {
    text(hans, Some(&en))
}

/// The guide of one listed item.
fn document(
    item: &Item<'_>,
    number: usize,
    organs: &BTreeMap<String, OrganSpec>,
    materials: &MaterialsFile,
) -> Result<ServiceDocument, SeedError> {
    let name = item.name;
    let organ = organs
        .get(item.organ)
        .ok_or_else(|| SeedError::UnknownOrgan { service: name.to_owned(), key: item.organ.to_owned() })?;
    let template = template(item.item_type)
        .ok_or_else(|| SeedError::Names { line: number, reason: "unknown item type".to_owned() })?;
    // Main items 10000 onwards by line: the hand-written guides use lower numbers.
    let basic = format!("{}{:05}000", item.item_type, 10_000 + number);
    let code = crate::service_code(&basic, &organ.code, None, name)?;
    let hash = stable_hash(name);
    let legal_person = item.themes.iter().all(|t| t.starts_with("legal:"));
    let objects: Vec<u8> = {
        let mut o = Vec::new();
        if item.themes.iter().any(|t| t.starts_with("person:")) {
            o.push(1);
        }
        if item.themes.iter().any(|t| t.starts_with("legal:")) {
            o.push(2);
        }
        o
    };
    let light = item.item_type == "20" && NO_FORM.iter().any(|w| name.contains(w));
    let statutory = limit(template.statutory, name)?;
    let pick = usize::try_from(hash % 97).unwrap_or(0) % template.promised.len().max(1);
    let promised = if light { "now" } else { template.promised.get(pick).copied().unwrap_or("now") };
    let promised = limit(promised, name)?;
    let online = light || (template.applied_for && hash % 5 < 2);
    let flags = FlagsDto {
        appointment: template.applied_for && !hash.is_multiple_of(3),
        fully_online: online,
        postal_delivery: template.applied_for && (hash >> 8).is_multiple_of(2),
        online_payment: false,
        visits: if online { 0 } else { 1 },
    };
    let mut documents: Vec<MaterialDto> = Vec::new();
    if template.applied_for {
        let identity = if legal_person { "business-licence" } else { "id-card" };
        documents.push(
            MaterialSpec { base: Some(identity.to_owned()), ..MaterialSpec::default() }
                .resolve(materials, name)?,
        );
    }
    if template.applied_for && !light {
        let form = format!("{name}申请表");
        documents.push(
            MaterialSpec {
                name: Some(form),
                en: Some(format!("Application form: {}", item.en)),
                issuer: Some("申请人".to_owned()),
                issuer_en: Some("The applicant".to_owned()),
                originals: Some(1),
                copies: Some(0),
                form: Some(shimin_wire::catalogue::MaterialFormDto::Either),
                reuse: Some(shimin_wire::catalogue::ReuseClassDto::Never),
                ..MaterialSpec::default()
            }
            .resolve(materials, name)?,
        );
        documents.push(
            MaterialSpec {
                base: Some(if legal_person { "agent-letter-company" } else { "agent-letter" }.to_owned()),
                ..MaterialSpec::default()
            }
            .resolve(materials, name)?,
        );
    }
    if !template.applied_for {
        documents.push(
            MaterialSpec { base: Some("statement".to_owned()), ..MaterialSpec::default() }
                .resolve(materials, name)?,
        );
    }
    let (statutory_zh, statutory_en) = time_text(statutory);
    let (promised_zh, promised_en) = time_text(promised);
    let faq = vec![
        FaqDto {
            q: english(&format!("{name}需要多长时间？"), format!("How long does it take: {}?", item.en)),
            a: english(
                &format!("法定办结时限为{statutory_zh}，承诺办结时限为{promised_zh}，自受理之日起计算。"),
                format!(
                    "The statutory limit is {statutory_en} and the promised limit {promised_en}, counted from acceptance."
                ),
            ),
        },
        FaqDto {
            q: english(&format!("{name}可以网上办理吗？"), format!("Can {} be done online?", item.en)),
            a: if online {
                english(
                    "可以，全程网上办理，无需到现场。",
                    "Yes, wholly online; no visit is needed.".to_owned(),
                )
            } else {
                english(
                    &format!("可以网上预约或预审，需到{}办理一次。", organ.hall),
                    format!(
                        "You can book or have the papers pre-checked online; one visit to {} is needed.",
                        organ.hall_en
                    ),
                )
            },
        },
    ];
    let steps = template
        .steps
        .iter()
        .map(|(n, d, t)| {
            Ok(StepDto {
                name: text(n, step_en(n)),
                detail: text(d, template_en(d)),
                limit: t.map(|t| limit(t, name)).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, SeedError>>()?;
    let law = item.law.unwrap_or(&organ.law);
    Ok(ServiceDocument {
        code,
        name: text(name, Some(item.en)),
        aliases: item.aliases.clone(),
        level: 4,
        organ: organ_dto(organ),
        objects,
        themes: item.themes.clone(),
        forms: if template.applied_for { vec![1, 2, 3] } else { vec![1] },
        case_kind: if promised.unit == TimeUnitDto::Immediate { 1 } else { 2 },
        cross_region: 0,
        legal_basis: vec![legal_basis(law)],
        conditions: template.conditions.iter().map(|c| text(c, template_en(c))).collect(),
        steps,
        statutory_limit: statutory,
        promised_limit: promised,
        fees: Vec::new(),
        places: vec![organ.place("")],
        phones: organ.phones(),
        faq,
        flags,
        online_url: online.then(|| "https://zwfw.beijing.gov.cn/".to_owned()),
        result: ResultDto { name: text(template.result.0, Some(template.result.1)), e_certificate: None },
        materials: documents,
        special_procedures: Vec::new(),
        popularity: item.popularity,
        status: ServiceStatusDto::Active,
        replaced_by: Vec::new(),
        version: 0,
        form: None,
        process: None,
    })
}

/// Every listed item's guide, in the list's order.
pub(crate) fn documents(
    list: &str,
    organs: &BTreeMap<String, OrganSpec>,
    materials: &MaterialsFile,
) -> Result<Vec<ServiceDocument>, SeedError> {
    let mut out = Vec::new();
    for (index, line) in list.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let number = index + 1;
        out.push(document(&item(line, number)?, number, organs, materials)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{step_en, template, template_en};

    #[test]
    fn every_template_text_has_its_english() {
        for item_type in ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "20"] {
            let t = template(item_type).expect("a template");
            for c in t.conditions {
                assert!(template_en(c).is_some(), "{c}");
            }
            for (name, detail, _) in t.steps {
                assert!(step_en(name).is_some(), "{name}");
                assert!(template_en(detail).is_some(), "{detail}");
            }
        }
        assert!(template("11").is_none());
    }
}
