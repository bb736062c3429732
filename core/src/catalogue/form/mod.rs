//! A service's application form (申请表): its definition, parsed whole before anything shows
//! it, and the citizen's answers, checked all at once so the UI can mark every field.
//!
//! | field kind | answer (wire) | checked as |
//! |---|---|---|
//! | `text` | text | `min_len..=max_len` characters, trimmed, no control characters |
//! | `integer` | text | an `i64` within `min..=max` |
//! | `decimal` | text | at most `places` digits after the point, within `min..=max` |
//! | `date` | text `YYYY-MM-DD` | within `earliest..=latest`, each a day or days from today |
//! | `choice` / `multi_choice` | text / list of codes | codes of the field's list, no repeats, `min..=max` of them |
//! | `id_number` | text | GB 11643 ([`crate::id_number`]) |
//! | `credit_code` | text | GB 32100 ([`crate::cert::credit_code`]) |
//! | `phone` | text | a mainland mobile (`1[3-9]` + 9 digits), or a landline (`0` + area code, 7–8 digits) |
//! | `address` | text | at most `max_len` characters, no control characters |
//! | `yes_no` | boolean | — |
//!
//! A field with `when` is asked only while another field's answer is one of the listed ones; an
//! answer to a field not asked is dropped. Rules compare two fields of one kind (an end date not
//! before a start date). Refused at parsing: a key of the wrong shape or twice, a limit that
//! contradicts itself, a condition or rule on a field that is missing or of the wrong kind, a
//! cycle of conditions, a prefill from an unknown certificate or attribute. Unknown field kinds
//! are refused by the wire's shape. Errors name the field's key (the form's own data), never an
//! answer.

use std::collections::BTreeMap;
use std::fmt;

use shimin_wire::application::FieldValueDto;
use shimin_wire::catalogue::{
    ChoiceOptionDto, ConditionDto, DateBoundDto, FieldDto, FieldKindDto, FormDto, Localized,
};
use time::{Date, Duration};

pub mod values;

use crate::cert::{CertificateType, CreditCode, codes};
use crate::id_number::IdNumber;

/// The most fields of a form.
pub const MAX_FIELDS: usize = 80;
/// The most characters of a key or a code.
const MAX_KEY: usize = 40;
/// The most codes of a code list.
const MAX_OPTIONS: usize = 200;
/// The most characters a text field may allow.
pub const MAX_TEXT_CHARS: u16 = 2_000;
/// The most digits after the point of a decimal field.
const MAX_PLACES: u8 = 6;

pub use values::{Decimal, Problem, Value};

/// Why a form definition is refused. Names the field by its key (or its index when the key
/// itself is malformed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// No fields, or more than [`MAX_FIELDS`].
    #[error("a form has no fields or too many")]
    FieldCount,
    /// A key that is not `a`–`z`, `0`–`9`, `_`, at most 40 characters.
    #[error("the key of field number {index} is not valid")]
    Key {
        /// The field's position.
        index: usize,
    },
    /// Two fields with one key.
    #[error("field {0} appears twice")]
    Duplicate(String),
    /// An empty or too long label or help.
    #[error("the label or help of field {0} is empty or too long")]
    Label(String),
    /// Limits that contradict themselves or exceed the form's bounds.
    #[error("the limits of field {0} are not valid")]
    Limits(String),
    /// An empty or too long code list, a malformed or repeated code.
    #[error("the code list of field {0} is not valid")]
    Options(String),
    /// A condition on a missing field, a field that is not a choice or yes/no, or an answer that
    /// field cannot have.
    #[error("the condition of field {0} is not valid")]
    Condition(String),
    /// Conditions that depend on each other in a circle.
    #[error("the conditions of field {0} form a cycle")]
    Cycle(String),
    /// A prefill from an unknown certificate type or attribute.
    #[error("the prefill of field {0} names an unknown certificate or attribute")]
    Prefill(String),
    /// A rule on a missing field, on itself, or between fields that cannot be compared.
    #[error("a rule on field {0} is not valid")]
    Rule(String),
    /// A material condition on a material that is not a conditional one of the guide.
    #[error("material condition number {index} does not name a conditional material")]
    MaterialCondition {
        /// The condition's position.
        index: usize,
    },
}

/// A bound of a date field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// A fixed day.
    On(Date),
    /// Days from the day of checking.
    DaysFromToday(i32),
}

impl DateBound {
    /// The day this bound names when checking on `today`.
    pub fn resolve(self, today: Date) -> Option<Date> {
        match self {
            DateBound::On(day) => Some(day),
            DateBound::DaysFromToday(n) => today.checked_add(Duration::days(i64::from(n))),
        }
    }
}

/// A field's kind and limits, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text {
        /// Fewest characters.
        min_len: u16,
        /// Most characters.
        max_len: u16,
    },
    /// A whole number.
    Integer {
        /// Least.
        min: Option<i64>,
        /// Greatest.
        max: Option<i64>,
    },
    /// A decimal number.
    Decimal {
        /// Most digits after the point.
        places: u8,
        /// Least.
        min: Option<Decimal>,
        /// Greatest.
        max: Option<Decimal>,
    },
    /// A date.
    Date {
        /// Earliest.
        earliest: Option<DateBound>,
        /// Latest.
        latest: Option<DateBound>,
    },
    /// One code of a list.
    Choice {
        /// The list.
        options: Vec<ChoiceOptionDto>,
    },
    /// Several codes of a list.
    MultiChoice {
        /// The list.
        options: Vec<ChoiceOptionDto>,
        /// Fewest when answered.
        min: u8,
        /// Most.
        max: u8,
    },
    /// A resident ID number.
    IdNumber,
    /// A unified social credit code.
    CreditCode,
    /// A mainland phone number.
    Phone {
        /// Only mobiles.
        mobile_only: bool,
    },
    /// A postal address.
    Address {
        /// Most characters.
        max_len: u16,
    },
    /// Yes or no.
    YesNo,
}

/// "When `field`'s answer is one of `one_of`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The key of the field it depends on.
    pub field: String,
    /// The answers (codes, `yes`, `no`) that make it hold.
    pub one_of: Vec<String>,
}

/// Where a field's first value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefill {
    /// The certificate type.
    pub certificate: CertificateType,
    /// The attribute's registered name.
    pub attribute: &'static str,
}

/// One field, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: Localized,
    /// Its help.
    pub help: Option<Localized>,
    /// Its kind.
    pub kind: FieldKind,
    /// Whether it must be answered when asked.
    pub required: bool,
    /// When it is asked.
    pub when: Option<Condition>,
    /// Its prefill.
    pub prefill: Option<Prefill>,
}

/// `later` must not come before `earlier` (or must come after it, when `strict`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRule {
    /// The first field's key.
    pub earlier: String,
    /// The second field's key.
    pub later: String,
    /// Equal answers break it.
    pub strict: bool,
}

/// A parsed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    fields: Vec<Field>,
    rules: Vec<OrderRule>,
    material_conditions: Vec<(usize, Condition)>,
}

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field's key.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

/// Answers that passed every check, by field key (only the fields asked). `Debug` hides the
/// answers.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct CheckedValues(BTreeMap<String, Value>);

impl fmt::Debug for CheckedValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl CheckedValues {
    /// The checked answer of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// The answers as the wire carries them.
    pub fn to_dto(&self) -> BTreeMap<String, FieldValueDto> {
        self.0.iter().map(|(k, v)| (k.clone(), v.to_dto())).collect()
    }
}

impl Form {
    /// Parses a form; `conditional` says, per material of the guide, whether it is a
    /// conditional one (only those may carry a material condition).
    ///
    /// # Errors
    /// The first [`FormError`] found.
    pub fn parse(dto: &FormDto, conditional: &[bool]) -> Result<Self, FormError> {
        if dto.fields.is_empty() || dto.fields.len() > MAX_FIELDS {
            return Err(FormError::FieldCount);
        }
        let mut fields: Vec<Field> = Vec::with_capacity(dto.fields.len());
        for (index, f) in dto.fields.iter().enumerate() {
            if !is_key(&f.key, false) {
                return Err(FormError::Key { index });
            }
            if fields.iter().any(|g| g.key == f.key) {
                return Err(FormError::Duplicate(f.key.clone()));
            }
            fields.push(field(f)?);
        }
        let form = Form { fields, rules: Vec::new(), material_conditions: Vec::new() };
        for f in &form.fields {
            if let Some(c) = &f.when {
                form.check_condition(c).map_err(|()| FormError::Condition(f.key.clone()))?;
            }
        }
        form.refuse_cycles()?;
        let mut rules = Vec::with_capacity(dto.rules.len());
        for r in &dto.rules {
            let (Some(a), Some(b)) = (form.field(&r.earlier), form.field(&r.later)) else {
                return Err(FormError::Rule(r.later.clone()));
            };
            let comparable = matches!(
                (&a.kind, &b.kind),
                (FieldKind::Date { .. }, FieldKind::Date { .. })
                    | (FieldKind::Integer { .. }, FieldKind::Integer { .. })
                    | (FieldKind::Decimal { .. }, FieldKind::Decimal { .. })
            );
            if !comparable || a.key == b.key {
                return Err(FormError::Rule(r.later.clone()));
            }
            rules.push(OrderRule { earlier: r.earlier.clone(), later: r.later.clone(), strict: r.strict });
        }
        let mut material_conditions = Vec::with_capacity(dto.material_conditions.len());
        for (index, m) in dto.material_conditions.iter().enumerate() {
            let material = usize::from(m.material);
            let when = condition(&m.when);
            if conditional.get(material) != Some(&true)
                || material_conditions.iter().any(|(i, _)| *i == material)
                || form.check_condition(&when).is_err()
            {
                return Err(FormError::MaterialCondition { index });
            }
            material_conditions.push((material, when));
        }
        Ok(Form { rules, material_conditions, ..form })
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The rules between fields.
    pub fn rules(&self) -> &[OrderRule] {
        &self.rules
    }

    /// The field `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Whether conditional material `material` is needed by these answers: `Some(true)` or
    /// `Some(false)` when the form decides it, `None` when the form says nothing about it (the
    /// citizen decides).
    pub fn material_needed(&self, material: usize, values: &CheckedValues) -> Option<bool> {
        self.material_conditions
            .iter()
            .find(|(i, _)| *i == material)
            .map(|(_, c)| holds(c, values.get(&c.field)))
    }

    /// The first answers of the prefilled fields, from the wallet: `lookup` gives the value of
    /// an attribute of a held certificate of a type, as text (dates `YYYY-MM-DD`) or yes/no.
    pub fn prefill(
        &self,
        lookup: impl Fn(CertificateType, &str) -> Option<FieldValueDto>,
    ) -> BTreeMap<String, FieldValueDto> {
        self.fields
            .iter()
            .filter_map(|f| {
                let p = f.prefill?;
                lookup(p.certificate, p.attribute).map(|v| (f.key.clone(), v))
            })
            .collect()
    }

    /// Checks every answer on `today`: the checked answers, or every field's problem.
    ///
    /// # Errors
    /// One [`FieldProblem`] per field wrong (at most one each), in the form's order, then
    /// answers to fields the form does not have.
    pub fn check(
        &self,
        answers: &BTreeMap<String, FieldValueDto>,
        today: Date,
    ) -> Result<CheckedValues, Vec<FieldProblem>> {
        let mut checked = CheckedValues::default();
        let mut problems = Vec::new();
        // Fields in an order where a condition's field comes first (conditions are acyclic).
        for f in self.in_condition_order() {
            let asked = f.when.as_ref().is_none_or(|c| holds(c, checked.get(&c.field)));
            if !asked {
                continue;
            }
            match answers.get(&f.key).filter(|v| !values::is_blank(v)) {
                None if f.required => problems.push((f.key.clone(), Problem::Missing)),
                None => {}
                Some(answer) => match values::check(&f.kind, answer, today) {
                    Ok(value) => {
                        checked.0.insert(f.key.clone(), value);
                    }
                    Err(problem) => problems.push((f.key.clone(), problem)),
                },
            }
        }
        for r in &self.rules {
            if let (Some(a), Some(b)) = (checked.get(&r.earlier), checked.get(&r.later))
                && let Some(order) = values::compare(a, b)
                && (order.is_gt() || (r.strict && order.is_eq()))
                && !problems.iter().any(|(k, _)| *k == r.later)
            {
                problems.push((r.later.clone(), Problem::OutOfOrder { after: r.earlier.clone() }));
            }
        }
        let position = |key: &str| self.fields.iter().position(|f| f.key == key).unwrap_or(usize::MAX);
        problems.sort_by_key(|(k, _)| position(k));
        let mut out: Vec<FieldProblem> =
            problems.into_iter().map(|(field, problem)| FieldProblem { field, problem }).collect();
        for key in answers.keys().filter(|k| self.field(k).is_none()) {
            out.push(FieldProblem { field: key.chars().take(MAX_KEY).collect(), problem: Problem::Unknown });
        }
        if out.is_empty() { Ok(checked) } else { Err(out) }
    }

    /// The problem of one field as the citizen types (the other answers decide whether it is
    /// asked and what it is compared with); `None` when it is fine or not asked.
    pub fn check_field(
        &self,
        key: &str,
        answers: &BTreeMap<String, FieldValueDto>,
        today: Date,
    ) -> Option<Problem> {
        self.check(answers, today).err()?.into_iter().find(|p| p.field == key).map(|p| p.problem)
    }

    fn in_condition_order(&self) -> Vec<&Field> {
        let mut order: Vec<&Field> = Vec::with_capacity(self.fields.len());
        while order.len() < self.fields.len() {
            let before = order.len();
            for f in &self.fields {
                let placed = |k: &str| order.iter().any(|g| g.key == k);
                if !placed(&f.key) && f.when.as_ref().is_none_or(|c| placed(&c.field)) {
                    order.push(f);
                }
            }
            if order.len() == before {
                break; // unreachable for a parsed form: conditions are acyclic
            }
        }
        order
    }

    fn check_condition(&self, c: &Condition) -> Result<(), ()> {
        let target = self.field(&c.field).ok_or(())?;
        let allowed: Vec<&str> = match &target.kind {
            FieldKind::Choice { options } | FieldKind::MultiChoice { options, .. } => {
                options.iter().map(|o| o.code.as_str()).collect()
            }
            FieldKind::YesNo => vec!["yes", "no"],
            _ => return Err(()),
        };
        if c.one_of.is_empty() || !c.one_of.iter().all(|v| allowed.contains(&v.as_str())) {
            return Err(());
        }
        Ok(())
    }

    fn refuse_cycles(&self) -> Result<(), FormError> {
        for start in &self.fields {
            let mut at = start;
            for _ in 0..self.fields.len() {
                let Some(next) = at.when.as_ref().and_then(|c| self.field(&c.field)) else { break };
                if next.key == start.key {
                    return Err(FormError::Cycle(start.key.clone()));
                }
                at = next;
            }
        }
        Ok(())
    }
}

/// Whether condition `c` holds for the checked answer `value` of its field.
fn holds(c: &Condition, value: Option<&Value>) -> bool {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    match value {
        Some(Value::Choice(code)) => c.one_of.contains(code),
        Some(Value::Choices(codes)) => codes.iter().any(|code| c.one_of.contains(code)),
        Some(Value::YesNo(b)) => c.one_of.iter().any(|v| v == yes_no(*b)),
        _ => false,
    }
}

/// Whether `key` is `a`–`z`, `0`–`9`, `_` (and `-` for codes), 1 to 40 characters.
fn is_key(key: &str, dash: bool) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || (dash && b == b'-'))
}

fn label_ok(text: &Localized, most: usize) -> bool {
    !text.hans.trim().is_empty()
        && [Some(&text.hans), text.hant.as_ref(), text.en.as_ref()]
            .into_iter()
            .flatten()
            .all(|t| t.chars().count() <= most)
}

fn condition(dto: &ConditionDto) -> Condition {
    Condition { field: dto.field.clone(), one_of: dto.one_of.clone() }
}

fn field(f: &FieldDto) -> Result<Field, FormError> {
    let key = || f.key.clone();
    if !label_ok(&f.label, 200) || f.help.as_ref().is_some_and(|h| !label_ok(h, 2_000)) {
        return Err(FormError::Label(key()));
    }
    let prefill = match &f.prefill {
        None => None,
        Some(p) => {
            let certificate =
                CertificateType::from_slug(&p.certificate).ok_or_else(|| FormError::Prefill(key()))?;
            let attribute = codes::code_of(&p.attribute)
                .and_then(codes::name_of)
                .ok_or_else(|| FormError::Prefill(key()))?;
            Some(Prefill { certificate, attribute })
        }
    };
    Ok(Field {
        key: key(),
        label: f.label.clone(),
        help: f.help.clone(),
        kind: kind(&f.kind).map_err(|e| e(key()))?,
        required: f.required,
        when: f.when.as_ref().map(condition),
        prefill,
    })
}

type KindError = fn(String) -> FormError;

fn ordered<T: PartialOrd>(min: Option<T>, max: Option<T>) -> bool {
    min.zip(max).is_none_or(|(a, b)| a <= b)
}

fn kind(dto: &FieldKindDto) -> Result<FieldKind, KindError> {
    let limits: KindError = FormError::Limits;
    Ok(match dto {
        FieldKindDto::Text { min_len, max_len } => {
            if *max_len == 0 || *max_len > MAX_TEXT_CHARS || min_len > max_len {
                return Err(limits);
            }
            FieldKind::Text { min_len: *min_len, max_len: *max_len }
        }
        FieldKindDto::Integer { min, max } => {
            if !ordered(*min, *max) {
                return Err(limits);
            }
            FieldKind::Integer { min: *min, max: *max }
        }
        FieldKindDto::Decimal { places, min, max } => {
            if *places > MAX_PLACES {
                return Err(limits);
            }
            let bound = |b: &Option<String>| -> Result<Option<Decimal>, KindError> {
                b.as_deref().map(|t| Decimal::parse(t, *places).map_err(|_| limits)).transpose()
            };
            let (min, max) = (bound(min)?, bound(max)?);
            if !ordered(min, max) {
                return Err(limits);
            }
            FieldKind::Decimal { places: *places, min, max }
        }
        FieldKindDto::Date { earliest, latest } => {
            let bound = |b: &Option<DateBoundDto>| -> Result<Option<DateBound>, KindError> {
                b.as_ref()
                    .map(|b| match b {
                        DateBoundDto::Date(t) => {
                            crate::cert::attributes::parse_date(t).map(DateBound::On).ok_or(limits)
                        }
                        DateBoundDto::DaysFromToday(n) if n.unsigned_abs() <= 365 * 200 => {
                            Ok(DateBound::DaysFromToday(*n))
                        }
                        DateBoundDto::DaysFromToday(_) => Err(limits),
                    })
                    .transpose()
            };
            let (earliest, latest) = (bound(earliest)?, bound(latest)?);
            let contradicts = match (earliest, latest) {
                (Some(DateBound::On(a)), Some(DateBound::On(b))) => a > b,
                (Some(DateBound::DaysFromToday(a)), Some(DateBound::DaysFromToday(b))) => a > b,
                _ => false,
            };
            if contradicts {
                return Err(limits);
            }
            FieldKind::Date { earliest, latest }
        }
        FieldKindDto::Choice { options } => FieldKind::Choice { options: code_list(options)? },
        FieldKindDto::MultiChoice { options, min, max } => {
            let options = code_list(options)?;
            let count = u8::try_from(options.len()).unwrap_or(u8::MAX);
            let max = max.unwrap_or(count);
            if max == 0 || *min > max || max > count {
                return Err(limits);
            }
            FieldKind::MultiChoice { options, min: *min, max }
        }
        FieldKindDto::IdNumber => FieldKind::IdNumber,
        FieldKindDto::CreditCode => FieldKind::CreditCode,
        FieldKindDto::Phone { mobile_only } => FieldKind::Phone { mobile_only: *mobile_only },
        FieldKindDto::Address { max_len } => {
            if *max_len < 5 || *max_len > MAX_TEXT_CHARS {
                return Err(limits);
            }
            FieldKind::Address { max_len: *max_len }
        }
        FieldKindDto::YesNo => FieldKind::YesNo,
    })
}

fn code_list(options: &[ChoiceOptionDto]) -> Result<Vec<ChoiceOptionDto>, KindError> {
    let bad: KindError = FormError::Options;
    if options.is_empty() || options.len() > MAX_OPTIONS.min(usize::from(u8::MAX)) {
        return Err(bad);
    }
    for (i, o) in options.iter().enumerate() {
        if !is_key(&o.code, true) || !label_ok(&o.label, 200) || options[..i].iter().any(|p| p.code == o.code)
        {
            return Err(bad);
        }
    }
    Ok(options.to_vec())
}

/// What an ID number or credit code answer parses to (used by [`values`]).
pub(crate) fn parse_id_number(text: &str) -> Option<IdNumber> {
    IdNumber::parse(text).ok()
}

/// As [`parse_id_number`], for a credit code.
pub(crate) fn parse_credit_code(text: &str) -> Option<CreditCode> {
    CreditCode::parse(text).ok()
}
