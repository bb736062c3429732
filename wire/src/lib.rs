#![doc = include_str!("../README.md")]

pub mod application;
pub mod apply;
pub mod backend;
pub mod calendar;
pub mod catalogue;
pub mod error;
pub mod hall;
pub mod ipc;
pub mod liveness;
pub mod sync;
pub mod wallet;
pub mod workflow;
