//! The interpreter: compiles a [`crate::rules::Ruleset`] once into a
//! [`Program`], then scores leads with it. Evaluation never fails on bad
//! data: it returns a data error for that lead.

/// A compiled ruleset.
#[derive(Debug)]
pub struct Program {}
