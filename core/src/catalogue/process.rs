//! A service's approval process, as its guide defines it, parsed whole: stages in order, each a
//! set of branches approved in parallel (one per department; 一件事 = one stage of several
//! branches), each branch a list of steps with a limit in working days. It sits with the guide
//! that carries it; `crate::application::workflow` runs applications through it.

use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::{BranchDto, ProcessDto, ProcessStepDto, StageDto};

use super::time_limit::{TimeLimit, TimeUnit};
use crate::cert::credit_code::CreditCode;

/// The most stages, branches of a stage, or steps of a branch.
pub const MAX_PARTS: usize = 20;
/// The longest limit of one step, in working days (ten years, as `core::catalogue::time_limit`).
pub const MAX_STEP_DAYS: u16 = 2_500;
/// The most characters of a step's name or a branch's title.
const MAX_NAME: usize = 200;

/// Why a process definition is not one. Names the place by index; never echoes a text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    /// No stage at all, or more than [`MAX_PARTS`].
    #[error("a process has one to {MAX_PARTS} stages")]
    Stages,
    /// A stage without branches, or with more than [`MAX_PARTS`].
    #[error("stage {stage} has no branch, or too many")]
    Branches {
        /// The stage (from 0).
        stage: usize,
    },
    /// A branch without steps, or with more than [`MAX_PARTS`].
    #[error("stage {stage} branch {branch} has no step, or too many")]
    Steps {
        /// The stage.
        stage: usize,
        /// The branch.
        branch: usize,
    },
    /// A branch's department is not a valid credit code.
    #[error("stage {stage} branch {branch}: the department is not a valid credit code")]
    Department {
        /// The stage.
        stage: usize,
        /// The branch.
        branch: usize,
    },
    /// One department has two branches in one stage (the join could not tell them apart).
    #[error("stage {stage}: a department has two branches")]
    DepartmentTwice {
        /// The stage.
        stage: usize,
    },
    /// A step's limit is zero or longer than [`MAX_STEP_DAYS`].
    #[error("stage {stage} branch {branch} step {step}: the limit is zero or too long")]
    Limit {
        /// The stage.
        stage: usize,
        /// The branch.
        branch: usize,
        /// The step.
        step: usize,
    },
    /// A name or title is empty or too long.
    #[error("stage {stage} branch {branch}: a name is empty or too long")]
    Name {
        /// The stage.
        stage: usize,
        /// The branch.
        branch: usize,
    },
}

/// One step of a branch.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProcessStep {
    /// Its name.
    pub name: Localized,
    /// Its limit in working days (at least one).
    pub limit: u16,
}

/// One department's branch of a stage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Branch {
    /// The department.
    pub department: CreditCode,
    /// What it decides, where a stage has several branches.
    pub title: Option<Localized>,
    /// Its steps, in order (at least one).
    pub steps: Vec<ProcessStep>,
}

impl Branch {
    /// The sum of its steps' limits.
    pub fn limit(&self) -> u32 {
        self.steps.iter().map(|s| u32::from(s.limit)).sum()
    }
}

/// A stage: branches decided in parallel, no department twice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stage {
    /// The branches (at least one).
    pub branches: Vec<Branch>,
}

/// A service's approval process.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Process {
    stages: Vec<Stage>,
}

impl Process {
    /// Parses a process definition whole.
    ///
    /// # Errors
    /// The first [`ProcessError`] found, in document order.
    pub fn parse(dto: &ProcessDto) -> Result<Self, ProcessError> {
        if dto.stages.is_empty() || dto.stages.len() > MAX_PARTS {
            return Err(ProcessError::Stages);
        }
        let stages = dto.stages.iter().enumerate().map(|(i, s)| stage(i, s)).collect::<Result<_, _>>()?;
        Ok(Self { stages })
    }

    /// The process of a service whose guide defines none: one stage, one branch at `organ`, one
    /// step 审批 limited by the promised limit in working days (see [`Process::days_of`]).
    pub fn single(organ: CreditCode, promised: TimeLimit) -> Self {
        let step = ProcessStep {
            name: Localized {
                hans: "审批".into(), hant: Some("審批".into()), en: Some("Approval".into())
            },
            limit: Self::days_of(promised),
        };
        Self {
            stages: vec![Stage {
                branches: vec![Branch { department: organ, title: None, steps: vec![step] }],
            }],
        }
    }

    /// A guide's limit as working days for a step: 即办 and hours are one working day; working
    /// days as they are; calendar days five in seven, rounded up; months 21 working days each
    /// (the deadline is a working-day count, so the other units are approximated, never
    /// shortened below one day).
    pub fn days_of(limit: TimeLimit) -> u16 {
        match limit {
            TimeLimit::Immediate => 1,
            TimeLimit::Within { amount, unit } => {
                let days = match unit {
                    TimeUnit::WorkingDays => u32::from(amount),
                    TimeUnit::Hours => 1,
                    TimeUnit::CalendarDays => (u32::from(amount) * 5).div_ceil(7),
                    TimeUnit::Months => u32::from(amount) * 21,
                };
                u16::try_from(days.clamp(1, u32::from(MAX_STEP_DAYS))).unwrap_or(MAX_STEP_DAYS)
            }
        }
    }

    /// The stages, in order.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The whole process's limit in working days: per stage its longest branch, summed.
    pub fn limit(&self) -> u32 {
        self.stages.iter().map(|s| s.branches.iter().map(Branch::limit).max().unwrap_or(0)).sum()
    }

    /// The wire shape.
    pub fn to_dto(&self) -> ProcessDto {
        ProcessDto {
            stages: self
                .stages
                .iter()
                .map(|s| StageDto {
                    branches: s
                        .branches
                        .iter()
                        .map(|b| BranchDto {
                            department: b.department.to_string(),
                            title: b.title.clone(),
                            steps: b
                                .steps
                                .iter()
                                .map(|p| ProcessStepDto { name: p.name.clone(), limit_working_days: p.limit })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn stage(index: usize, dto: &StageDto) -> Result<Stage, ProcessError> {
    if dto.branches.is_empty() || dto.branches.len() > MAX_PARTS {
        return Err(ProcessError::Branches { stage: index });
    }
    let mut branches: Vec<Branch> = Vec::with_capacity(dto.branches.len());
    for (b, branch) in dto.branches.iter().enumerate() {
        let department = CreditCode::parse(&branch.department)
            .map_err(|_| ProcessError::Department { stage: index, branch: b })?;
        if branches.iter().any(|seen| seen.department == department) {
            return Err(ProcessError::DepartmentTwice { stage: index });
        }
        if let Some(title) = &branch.title {
            name(title).ok_or(ProcessError::Name { stage: index, branch: b })?;
        }
        if branch.steps.is_empty() || branch.steps.len() > MAX_PARTS {
            return Err(ProcessError::Steps { stage: index, branch: b });
        }
        let steps = branch
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| {
                name(&step.name).ok_or(ProcessError::Name { stage: index, branch: b })?;
                if step.limit_working_days == 0 || step.limit_working_days > MAX_STEP_DAYS {
                    return Err(ProcessError::Limit { stage: index, branch: b, step: s });
                }
                Ok(ProcessStep { name: step.name.clone(), limit: step.limit_working_days })
            })
            .collect::<Result<_, _>>()?;
        branches.push(Branch { department, title: branch.title.clone(), steps });
    }
    Ok(Stage { branches })
}

fn name(text: &Localized) -> Option<()> {
    let ok = !text.hans.trim().is_empty()
        && [Some(&text.hans), text.hant.as_ref(), text.en.as_ref()]
            .into_iter()
            .flatten()
            .all(|t| t.chars().count() <= MAX_NAME);
    ok.then_some(())
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    /// 新生儿出生一件事, from the test vectors.
    fn newborn() -> ProcessDto {
        serde_json::from_str(include_str!("../../tests/vectors/workflow/newborn-process.json"))
            .expect("the vector is a process")
    }

    fn refused(change: impl FnOnce(&mut ProcessDto)) -> ProcessError {
        let mut dto = newborn();
        change(&mut dto);
        Process::parse(&dto).expect_err("refused")
    }

    #[test]
    fn the_newborn_one_thing_is_four_departments_in_parallel() {
        let process = Process::parse(&newborn()).expect("a valid process");
        assert_eq!(process.stages().len(), 1);
        let departments: Vec<&str> =
            process.stages()[0].branches.iter().map(|b| b.department.as_str()).collect();
        assert_eq!(
            departments,
            ["11110105MB0000010A", "111101050000000017", "11110105MB0000004M", "11110105MB0000003J"]
        );
        // 3 + 2 working days in each branch; the stage takes its longest branch.
        assert_eq!(process.limit(), 5);
        assert_eq!(Process::parse(&process.to_dto()), Ok(process));
    }

    #[test]
    fn each_broken_part_is_refused_by_place() {
        assert_eq!(refused(|p| p.stages.clear()), ProcessError::Stages);
        assert_eq!(refused(|p| p.stages[0].branches.clear()), ProcessError::Branches { stage: 0 });
        assert_eq!(
            refused(|p| p.stages[0].branches[2].steps.clear()),
            ProcessError::Steps { stage: 0, branch: 2 }
        );
        assert_eq!(
            refused(|p| p.stages[0].branches[1].department = p.stages[0].branches[0].department.clone()),
            ProcessError::DepartmentTwice { stage: 0 }
        );
        assert_eq!(
            refused(|p| p.stages[0].branches[3].steps[1].limit_working_days = 0),
            ProcessError::Limit { stage: 0, branch: 3, step: 1 }
        );
        assert_eq!(
            refused(|p| p.stages[0].branches[3].steps[0].limit_working_days = MAX_STEP_DAYS + 1),
            ProcessError::Limit { stage: 0, branch: 3, step: 0 }
        );
        assert_eq!(
            refused(|p| p.stages[0].branches[0].department = "111101050000000018".into()),
            ProcessError::Department { stage: 0, branch: 0 }
        );
        assert_eq!(
            refused(|p| p.stages[0].branches[0].steps[0].name.hans = " ".into()),
            ProcessError::Name { stage: 0, branch: 0 }
        );
        assert_eq!(refused(|p| p.stages = vec![p.stages[0].clone(); MAX_PARTS + 1]), ProcessError::Stages);
        // The same department in two stages is fine: a later stage may come back to it.
        let mut two = newborn();
        two.stages.push(two.stages[0].clone());
        assert_eq!(Process::parse(&two).map(|p| p.limit()), Ok(10));
    }

    #[test]
    fn a_guide_without_a_process_gets_one_branch_at_its_organ_with_its_promised_limit() {
        let organ = CreditCode::parse("111101050000000017").expect("a code");
        let twenty = TimeLimit::within(20, TimeUnit::WorkingDays).expect("a limit");
        let process = Process::single(organ.clone(), twenty);
        assert_eq!(process.limit(), 20);
        assert_eq!(process.stages()[0].branches[0].department, organ);
        assert_eq!(Process::days_of(TimeLimit::Immediate), 1);
        let cal = |n, u| Process::days_of(TimeLimit::within(n, u).expect("a limit"));
        assert_eq!(cal(30, TimeUnit::CalendarDays), 22);
        assert_eq!(cal(1, TimeUnit::CalendarDays), 1);
        assert_eq!(cal(2, TimeUnit::Months), 42);
        assert_eq!(cal(5, TimeUnit::Hours), 1);
    }
}
