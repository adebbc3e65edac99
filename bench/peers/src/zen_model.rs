//! MODEL.md in GoRules' zen-expression: three expressions (fit, engagement,
//! the ungrouped rules) over the lead as a zen `Variable`; Rust adds them
//! up, clamps the groups and picks the tier. Zen has no case-insensitive
//! comparison, so every string is passed through `lower()` as in the CEL
//! model. Datetimes are compared as RFC 3339 UTC strings through `d()`-free
//! string comparison where zen allows it.

use crate::{tier, Scores};
use serde_json::Value;
use zen_expression::expression::Standard;
use zen_expression::variable::Variable;
use zen_expression::vm::VM;
use zen_expression::Expression;

const FIT: &str = "\
  (title != null and some(['vp', 'vice president', 'chief', 'ceo', 'cfo', 'head of', 'founder'], contains(lower(title), #)) ? 50 : 0)\
+ (title != null and contains(lower(title), 'director') ? 30 : 0)\
+ (title != null and contains(lower(title), 'manager') ? 15 : 0)\
+ (title != null and some(['intern', 'student'], contains(lower(title), #)) ? -30 : 0)\
+ (company.size != null and company.size >= 200 and company.size <= 5000 ? 20 : 0)\
+ (company.size != null and company.size >= 50 and company.size <= 199 ? 10 : 0)\
+ (company.size != null and company.size < 10 ? -10 : 0)\
+ (company.industry != null and lower(company.industry) in ['saas', 'software', 'fintech', 'healthcare it'] ? 15 : 0)\
+ (company.country != null and lower(company.country) in ['us', 'ca', 'gb', 'de', 'fr', 'nl', 'au'] ? 5 : 0)\
+ (email != null and some(['@gmail.com', '@yahoo.com', '@hotmail.com', '@outlook.com'], endsWith(lower(email), #)) ? -20 : 0)\
+ (company.revenue != null and company.revenue >= 10000000 ? 10 : 0)";

const ENGAGEMENT: &str = "\
  (count(events ?? [], lower(#.type) == 'page_view' and #.url != null and contains(lower(#.url), '/pricing') and d(#.at) > d(cut30) and d(#.at) <= d(as_of)) >= 1 ? 30 : 0)\
+ (count(events ?? [], lower(#.type) == 'page_view' and #.url != null and contains(lower(#.url), '/pricing') and d(#.at) > d(cut30) and d(#.at) <= d(as_of)) >= 3 ? 10 : 0)\
+ (some(events ?? [], lower(#.type) == 'demo_request') ? 40 : 0)\
+ (some(events ?? [], lower(#.type) == 'webinar_attended') ? 15 : 0)\
+ min([2 * count(events ?? [], lower(#.type) == 'email_open'), 10])\
+ (count(events ?? [], lower(#.type) == 'email_click') >= 2 ? 10 : 0)\
+ (some(events ?? [], lower(#.type) == 'content_download' and #.url != null and contains(lower(#.url), 'whitepaper')) ? 10 : 0)\
+ (count(events ?? [], lower(#.type) == 'page_view') >= 20 ? 5 : 0)\
+ (source != null and lower(source) == 'referral' ? 15 : 0)\
+ (source != null and lower(source) == 'paid' ? 5 : 0)";

const REST: &str = "\
  (unsubscribed == true ? -50 : 0)\
+ (some(events ?? [], d(#.at) > d(cut90) and d(#.at) <= d(as_of)) ? 0 : -15)\
+ (some(events ?? [], lower(#.type) == 'page_view' and #.url != null and contains(lower(#.url), '/careers')) ? -10 : 0)\
+ (company.name != null and matches(company.name, '(?i)\\b(test|example)\\b') ? -40 : 0)\
+ (title == null or title == '' ? -5 : 0)";

/// The three compiled expressions and the leads as zen variables (the
/// evaluation clock added to each lead's top level).
pub struct Model {
    expressions: [Expression<Standard>; 3],
    leads: Vec<Variable>,
}

impl Model {
    pub fn new(leads: &[Value]) -> Model {
        let expressions = [FIT, ENGAGEMENT, REST]
            .map(|src| zen_expression::compile_expression(src).expect("the zen model compiles"));
        let leads = leads
            .iter()
            .map(|lead| {
                let mut lead = lead.clone();
                let map = lead.as_object_mut().expect("a lead object");
                map.insert("as_of".into(), "2026-11-01T00:00:00Z".into());
                map.insert("cut30".into(), "2026-10-02T00:00:00Z".into());
                map.insert("cut90".into(), "2026-08-03T00:00:00Z".into());
                Variable::from(lead)
            })
            .collect();
        Model { expressions, leads }
    }

    pub fn score(&self, vm: &mut VM, i: usize) -> Scores {
        let [fit, eng, rest] =
            [0, 1, 2].map(
                |k| match self.expressions[k].evaluate_with(self.leads[i].clone(), vm) {
                    Ok(v) => v
                        .as_number()
                        .and_then(|n| i64::try_from(n).ok())
                        .unwrap_or_else(|| panic!("zen model gave {v:?} for lead {i}")),
                    Err(e) => panic!("zen model failed on lead {i}: {e:?}"),
                },
            );
        let (fit, eng) = (fit.min(60), eng.min(100));
        let score = fit + eng + rest;
        Scores {
            score,
            tier: tier(score),
            fit,
            engagement: eng,
        }
    }
}
