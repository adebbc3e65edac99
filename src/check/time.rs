//! Typing lengths of time: `within`, and `decay` with its rate.

use super::error::{Expected, Problem, Role, TimeFault};
use super::expr::lit;
use super::{any, Checker};
use crate::rules::{Decay, Period, TExpr, TExprKind, Type};
use crate::syntax::ast::{DecayRate, Expr, ExprKind, Span};

impl Checker<'_> {
    /// `t within DURATION`: a fixed length, or whole calendar months.
    pub(super) fn within(&mut self, t: &Expr, d: &Expr) -> TExprKind {
        let t = Box::new(self.expect(t, &Type::Datetime, Role::Within));
        if !matches!(d.kind, ExprKind::Duration { .. }) {
            return self
                .not_the_literal(d, Expected::Duration, Role::Within)
                .kind;
        }
        match self.period(d) {
            Some(Period::Seconds(secs)) => TExprKind::Within(t, secs),
            Some(Period::Months(n)) => TExprKind::WithinMonths(t, n),
            None => any(d.span).kind,
        }
    }

    /// `decay(t, RATE)`: a weight between 0 and 1.
    pub(super) fn decay(&mut self, t: &Expr, rate: &DecayRate, span: Span) -> TExpr {
        let t = self.expect(t, &Type::Datetime, Role::Decayed);
        let length = rate.length();
        let Some(period) = self.period(length) else {
            return any(span);
        };
        let fault = |fault| Problem::BadTime {
            span: length.span,
            fault,
        };
        let decay = match (rate, period) {
            (_, Period::Seconds(s)) if s <= 0.0 => Err(fault(TimeFault::NotPositive)),
            (_, Period::Months(0)) => Err(fault(TimeFault::NotPositive)),
            (DecayRate::HalfLife(_), Period::Seconds(s)) => Ok(Decay::HalfLife(s)),
            (DecayRate::Lifespan(_), Period::Seconds(s)) => Ok(Decay::Linear(s)),
            (DecayRate::HalfLife(_) | DecayRate::Lifespan(_), Period::Months(_)) => {
                Err(fault(TimeFault::CalendarRate))
            }
            (DecayRate::Step { percent, .. }, period) => match percent.node {
                p if p > 0.0 && p <= 100.0 => Ok(Decay::Step {
                    keep: 1.0 - p / 100.0,
                    period,
                }),
                p => Err(Problem::BadTime {
                    span: percent.span,
                    fault: TimeFault::Percent(p),
                }),
            },
        };
        match decay {
            Ok(d) => lit(TExprKind::Decay(Box::new(t), d), Type::Number, span),
            Err(problem) => {
                self.report(problem);
                any(span)
            }
        }
    }

    /// A duration literal's length; `None` (reported) for a fraction of a
    /// calendar unit.
    fn period(&mut self, d: &Expr) -> Option<Period> {
        let ExprKind::Duration { amount, unit } = &d.kind else {
            return None;
        };
        if let Some(secs) = unit.seconds() {
            return Some(Period::Seconds(amount * secs));
        }
        let months = amount * f64::from(unit.months().unwrap_or(1));
        if months.fract() != 0.0 || months > f64::from(u32::MAX) {
            self.report(Problem::BadTime {
                span: d.span,
                fault: TimeFault::FractionalCalendar,
            });
            return None;
        }
        Some(Period::Months(months as u32))
    }
}
