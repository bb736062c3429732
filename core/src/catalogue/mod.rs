//! The government-service catalogue (政务服务事项目录, issue 16): what a service item is, how it
//! is coded, its guide and materials. No I/O, as everywhere in the core.
//!
//! The fields follow GB/T 39046-2020 政务服务平台基础数据规范 (Table 4 and its annex A code sets);
//! the code forms are Shimin's own, shaped after it: see [`code`] and `docs/plans/issue-16.md`.

pub mod code;
pub mod codes;
pub mod form;
pub mod guide;
pub mod material;
pub mod process;
pub mod sync;
pub mod time_limit;
pub mod view;
